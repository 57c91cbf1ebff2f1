import type { EffectiveConfig } from '@atende/protocol';

/** The few texts the main process shows itself (tray, dialogs), in the configured language. */
export interface ShellStrings {
  open: string;
  quit: string;
  waiting(count: number): string;
  configProblemTitle: string;
  configProblemMessage: string;
}

const STRINGS: Record<EffectiveConfig['language'], ShellStrings> = {
  'pt-BR': {
    open: 'Abrir o Atende',
    quit: 'Sair',
    waiting: (count) => (count === 1 ? '1 conversa aguardando' : `${count} conversas aguardando`),
    configProblemTitle: 'Configuração ignorada',
    configProblemMessage: 'Um arquivo de configuração é inválido e foi ignorado. O Atende usa os valores padrão no lugar dele.',
  },
  en: {
    open: 'Open Atende',
    quit: 'Quit',
    waiting: (count) => (count === 1 ? '1 conversation waiting' : `${count} conversations waiting`),
    configProblemTitle: 'Configuration ignored',
    configProblemMessage: 'A configuration file is invalid and was ignored. Atende uses the default values instead.',
  },
  es: {
    open: 'Abrir Atende',
    quit: 'Salir',
    waiting: (count) => (count === 1 ? '1 conversación en espera' : `${count} conversaciones en espera`),
    configProblemTitle: 'Configuración ignorada',
    configProblemMessage: 'Un archivo de configuración no es válido y se ignoró. Atende usa los valores predeterminados.',
  },
};

export function shellStrings(language: EffectiveConfig['language']): ShellStrings {
  return STRINGS[language];
}
