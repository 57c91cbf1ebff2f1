import { onScopeDispose, watch } from 'vue';
import { useWorkspaceStore } from '../stores/workspace';
import { desktop } from './index';
import { navigationSelection } from './navigation';

/**
 * The workstation window's desktop wiring: the waiting count as the tray or app badge
 * (R-DT-02) and navigation from deep links and notification clicks.
 */
export function useDesktopWorkstation(): void {
  const workspace = useWorkspaceStore();
  watch(() => workspace.waiting.length, (count) => desktop.setBadgeCount(count), { immediate: true });
  const stop = desktop.onNavigate((target) => {
    const selection = navigationSelection(target, workspace);
    if (!selection) return;
    if (selection.tab) workspace.tab = selection.tab;
    workspace.select(selection.id);
  });
  onScopeDispose(() => {
    stop();
    desktop.setBadgeCount(0);
  });
}
