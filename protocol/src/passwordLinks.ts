/** Password links ("Cadastrar senha", R-AUTH-02), "Esqueceu a senha?" and the login network allow-list (R-AUTH-03). */
// import { endpoint } from './endpoint.js';

export const PASSWORD_API = {} as const;
