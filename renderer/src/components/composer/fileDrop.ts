import { onBeforeUnmount, onMounted, ref, type Ref } from 'vue';

const carriesFiles = (event: DragEvent) => [...(event.dataTransfer?.types ?? [])].includes('Files');

/**
 * Files dragged onto the conversation (R-WS-04): the drop zone is the conversation panel around
 * the composer (`zone` finds it once mounted), so a file may be dropped on the history too.
 * `dragging` is true while files hover over it.
 */
export function useFileDrop(zone: () => HTMLElement | null | undefined, onFiles: (files: File[]) => void): { dragging: Ref<boolean> } {
  const dragging = ref(false);
  let target: HTMLElement | null | undefined;
  // dragenter/dragleave fire for every child crossed: count them to know when the pointer left.
  let depth = 0;

  const enter = (event: DragEvent) => {
    if (!carriesFiles(event)) return;
    event.preventDefault();
    depth++;
    dragging.value = true;
  };
  const over = (event: DragEvent) => {
    if (!carriesFiles(event)) return;
    event.preventDefault();
    if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
  };
  const leave = (event: DragEvent) => {
    if (!carriesFiles(event)) return;
    depth = Math.max(0, depth - 1);
    if (depth === 0) dragging.value = false;
  };
  const drop = (event: DragEvent) => {
    if (!carriesFiles(event)) return;
    event.preventDefault();
    depth = 0;
    dragging.value = false;
    const files = [...(event.dataTransfer?.files ?? [])];
    if (files.length) onFiles(files);
  };

  onMounted(() => {
    target = zone();
    target?.addEventListener('dragenter', enter);
    target?.addEventListener('dragover', over);
    target?.addEventListener('dragleave', leave);
    target?.addEventListener('drop', drop);
  });
  onBeforeUnmount(() => {
    target?.removeEventListener('dragenter', enter);
    target?.removeEventListener('dragover', over);
    target?.removeEventListener('dragleave', leave);
    target?.removeEventListener('drop', drop);
  });
  return { dragging };
}
