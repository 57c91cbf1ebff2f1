/**
 * What `npm run dist` bakes into the main-process bundle (electron/build.mjs replaces these names
 * through esbuild's `define`): the update feed the build was made for and the organisation's
 * Ed25519 public key that update metadata must be signed with (issue 17). In development and in
 * tests they are undefined, so updates stay off.
 */
declare const __ATENDE_BUILD_UPDATE_URL__: string | undefined;
declare const __ATENDE_UPDATE_PUBLIC_KEY__: string | undefined;

export const BUILD_UPDATE_URL: string | undefined =
  typeof __ATENDE_BUILD_UPDATE_URL__ === 'string' && __ATENDE_BUILD_UPDATE_URL__ !== '' ? __ATENDE_BUILD_UPDATE_URL__ : undefined;

/** PEM (SPKI) of the Ed25519 key that signs `latest*.yml`; undefined → no update can be trusted. */
export const UPDATE_PUBLIC_KEY: string | undefined =
  typeof __ATENDE_UPDATE_PUBLIC_KEY__ === 'string' && __ATENDE_UPDATE_PUBLIC_KEY__ !== '' ? __ATENDE_UPDATE_PUBLIC_KEY__ : undefined;
