import type { EffectiveConfig } from '@atende/protocol';

/** The few texts the main process shows itself (tray, dialogs), in the configured language. */
export interface ShellStrings {
  open: string;
  quit: string;
  waiting(count: number): string;
  configProblemTitle: string;
  configProblemMessage: string;
  // Issue 17, recovery and comfort (recovery.ts, contextMenu.ts).
  crashLoopTitle: string;
  crashLoopMessage: string;
  tryAgain: string;
  unresponsiveTitle: string;
  unresponsiveMessage: string;
  wait: string;
  reload: string;
  cut: string;
  copy: string;
  paste: string;
  selectAll: string;
  noSuggestions: string;
  addToDictionary: string;
}

const STRINGS: Record<EffectiveConfig['language'], ShellStrings> = {
  'pt-BR': {
    open: 'Abrir o Atende',
    quit: 'Sair',
    waiting: (count) => (count === 1 ? '1 conversa aguardando' : `${count} conversas aguardando`),
    configProblemTitle: 'Configuração ignorada',
    configProblemMessage: 'Um arquivo de configuração é inválido e foi ignorado. O Atende usa os valores padrão no lugar dele.',
    crashLoopTitle: 'O Atende parou de funcionar',
    crashLoopMessage: 'Esta janela falhou várias vezes seguidas e não foi recarregada de novo. Suas conversas estão salvas neste computador.',
    tryAgain: 'Tentar de novo',
    unresponsiveTitle: 'O Atende não está respondendo',
    unresponsiveMessage: 'Esta janela não responde. Você pode esperar ou recarregá-la (as conversas estão salvas neste computador).',
    wait: 'Esperar',
    reload: 'Recarregar',
    cut: 'Recortar',
    copy: 'Copiar',
    paste: 'Colar',
    selectAll: 'Selecionar tudo',
    noSuggestions: 'Nenhuma sugestão',
    addToDictionary: 'Adicionar ao dicionário',
  },
  en: {
    open: 'Open Atende',
    quit: 'Quit',
    waiting: (count) => (count === 1 ? '1 conversation waiting' : `${count} conversations waiting`),
    configProblemTitle: 'Configuration ignored',
    configProblemMessage: 'A configuration file is invalid and was ignored. Atende uses the default values instead.',
    crashLoopTitle: 'Atende stopped working',
    crashLoopMessage: 'This window failed several times in a row and was not reloaded again. Your conversations are saved on this computer.',
    tryAgain: 'Try again',
    unresponsiveTitle: 'Atende is not responding',
    unresponsiveMessage: 'This window is not responding. You can wait or reload it (your conversations are saved on this computer).',
    wait: 'Wait',
    reload: 'Reload',
    cut: 'Cut',
    copy: 'Copy',
    paste: 'Paste',
    selectAll: 'Select all',
    noSuggestions: 'No suggestions',
    addToDictionary: 'Add to dictionary',
  },
  es: {
    open: 'Abrir Atende',
    quit: 'Salir',
    waiting: (count) => (count === 1 ? '1 conversación en espera' : `${count} conversaciones en espera`),
    configProblemTitle: 'Configuración ignorada',
    configProblemMessage: 'Un archivo de configuración no es válido y se ignoró. Atende usa los valores predeterminados.',
    crashLoopTitle: 'Atende dejó de funcionar',
    crashLoopMessage: 'Esta ventana falló varias veces seguidas y no se volvió a recargar. Sus conversaciones están guardadas en este equipo.',
    tryAgain: 'Intentar de nuevo',
    unresponsiveTitle: 'Atende no responde',
    unresponsiveMessage: 'Esta ventana no responde. Puede esperar o recargarla (sus conversaciones están guardadas en este equipo).',
    wait: 'Esperar',
    reload: 'Recargar',
    cut: 'Cortar',
    copy: 'Copiar',
    paste: 'Pegar',
    selectAll: 'Seleccionar todo',
    noSuggestions: 'No hay sugerencias',
    addToDictionary: 'Añadir al diccionario',
  },
};

export function shellStrings(language: EffectiveConfig['language']): ShellStrings {
  return STRINGS[language];
}
