export const previewOf = (text: string) => (text.length > 140 ? `${text.slice(0, 139)}…` : text);
