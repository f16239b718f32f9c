// The JSON body parser is the platform's (every service app installs it in createServiceApp); the
// REST specs set up their apps with it from here.
export { useJsonBody } from '@engram/platform';
