/**
 * What the demo's past conversations say (history.ts): short, plausible pt-BR exchanges per team.
 * `c` is the customer, `a` the agent; `{agente}` becomes the agent's first name. Abandoned
 * conversations use only their customer's opening lines.
 */
export interface Line {
  who: 'c' | 'a';
  text: string;
}

const c = (text: string): Line => ({ who: 'c', text });
const a = (text: string): Line => ({ who: 'a', text });

export const SUPPORT_SCRIPTS: readonly (readonly Line[])[] = [
  [
    c('Oi, meu pedido ainda não chegou. O prazo era ontem.'),
    a('Olá! Meu nome é {agente}. Pode me passar o número do pedido?'),
    c('É o 48213.'),
    a('Obrigado. O pedido saiu ontem à tarde e a entrega está prevista para amanhã.'),
    c('Ah, que bom. Obrigado!'),
    a('Por nada! Qualquer coisa, estamos por aqui.'),
  ],
  [
    c('Boa tarde, não consigo entrar na minha conta.'),
    a('Boa tarde! Aqui é {agente}. Aparece alguma mensagem de erro?'),
    c('Diz que a senha está incorreta, mas tenho certeza que está certa.'),
    a('Enviei um link para redefinir a senha no seu e-mail. Consegue verificar?'),
    c('Chegou, consegui entrar. Valeu!'),
  ],
  [
    c('Quero trocar um produto que veio com defeito.'),
    a('Olá, sou {agente}. Sinto muito! Pode descrever o defeito?'),
    c('A tela está com uma linha no meio.'),
    a('Vou gerar a etiqueta de troca. Você tem até 7 dias para postar o produto.'),
    c('Certo, recebi a etiqueta.'),
    a('Assim que o produto chegar, enviamos o novo. Obrigado pela paciência!'),
  ],
  [
    c('O boleto venceu, como faço para pagar?'),
    a('Oi! Aqui é {agente}. Posso gerar um novo boleto com vencimento em 3 dias úteis.'),
    c('Pode ser, por favor.'),
    a('Pronto, o novo boleto foi enviado para o seu e-mail.'),
  ],
  [
    c('O aplicativo fecha sozinho quando abro o carrinho.'),
    a('Olá, {agente} falando. Qual a versão do aplicativo instalada?'),
    c('Acho que é a 3.2.'),
    a('A versão 3.4 corrige esse problema. Pode atualizar pela loja de aplicativos?'),
    c('Atualizei e funcionou. Obrigada!'),
  ],
  [
    c('Vocês entregam no interior de Minas?'),
    a('Olá! Sou {agente}. Entregamos sim, em todo o Brasil.'),
    c('E qual o prazo para Uberaba?'),
    a('Para Uberaba o prazo é de 5 a 7 dias úteis.'),
  ],
  [
    c('Fui cobrado duas vezes no cartão.'),
    a('Olá, aqui é {agente}. Vou verificar os pagamentos do seu pedido.'),
    a('Encontrei a cobrança em duplicidade. O estorno foi solicitado e aparece em até 2 faturas.'),
    c('Tudo bem, obrigado por resolver rápido.'),
  ],
];

export const SALES_SCRIPTS: readonly (readonly Line[])[] = [
  [
    c('Olá, gostaria de um orçamento para 20 licenças.'),
    a('Olá! Meu nome é {agente}. Para 20 licenças temos o Plano Completo com desconto.'),
    c('Qual seria o valor mensal?'),
    a('Fica R$ 79,90 por licença. Vou preparar uma proposta e envio em seguida.'),
    c('Perfeito, aguardo.'),
  ],
  [
    c('Qual a diferença entre o Plano Básico e o Completo?'),
    a('Oi! Aqui é {agente}. O Completo inclui relatórios e atendimento prioritário.'),
    c('Vou ficar com o Completo então.'),
    a('Ótimo! Enviei o link de contratação para o seu e-mail.'),
  ],
  [
    c('Vocês fazem desconto para pagamento anual?'),
    a('Olá, sou {agente}. No plano anual o desconto é de 15%.'),
    c('Interessante. Posso pagar com Pix?'),
    a('Pode sim. Segue a nossa tabela de preços com as condições.'),
    c('Obrigado, vou analisar com a equipe.'),
  ],
  [
    c('Quero fazer upgrade do meu plano.'),
    a('Olá! {agente} falando. O upgrade vale a partir do próximo ciclo de cobrança.'),
    c('Pode fazer, por favor.'),
    a('Feito! Seu plano já aparece como Completo.'),
  ],
];

/** Opening lines of an agent who writes first (an agent-started WhatsApp conversation). */
export const OUTREACH_SCRIPT: readonly Line[] = [
  a('Olá! Aqui é {agente}. Sua proposta está pronta, posso enviar por aqui?'),
  c('Pode sim, obrigado.'),
  a('Enviada! Qualquer dúvida, estou à disposição.'),
];

/** Notes customers leave with a rating (R-WS-20); empty most of the time. */
export const RATING_COMMENTS: Readonly<Record<number, readonly string[]>> = {
  1: ['Demorou demais para alguém responder.'],
  2: ['Não resolveram o meu problema.'],
  3: ['Resolveu, mas poderia ser mais rápido.'],
  4: ['Bom atendimento.'],
  5: ['Atendimento excelente, muito obrigado!', 'Super rápido e atencioso.'],
};

/** The demo's past customers: names for contacts made for the history only. */
export const HISTORY_CUSTOMERS: readonly string[] = [
  'Rafael Almeida', 'Fernanda Costa', 'Gustavo Ribeiro', 'Juliana Martins', 'Thiago Carvalho', 'Camila Rocha',
  'Leonardo Gomes', 'Patrícia Araújo', 'Eduardo Barbosa', 'Larissa Dias', 'Marcelo Teixeira', 'Aline Cardoso',
  'Rodrigo Nunes', 'Beatriz Moreira', 'Felipe Correia', 'Natália Pinto', 'Diego Mendonça', 'Vanessa Castro',
  'André Freitas', 'Carolina Lopes', 'Bruno Farias', 'Gabriela Monteiro', 'Ricardo Vieira', 'Tatiane Batista',
  'Luiz Fernando Reis', 'Priscila Cunha', 'Vinícius Duarte', 'Renata Sales', 'Fábio Machado', 'Isabela Ramos',
  'Daniel Azevedo', 'Mariana Prado', 'Paulo Henrique Lima', 'Letícia Campos', 'Hugo Siqueira', 'Sabrina Tavares',
  'Otávio Brandão', 'Helena Rezende', 'Caio Fontes', 'Bianca Guimarães', 'Sérgio Peixoto', 'Yasmin Queiroz',
];
