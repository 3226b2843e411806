/**
 * Where a stored login is kept, said plainly: in the engine's config file (unencrypted: the
 * password is only base64, which anyone who can read the file can decode), or by a credential
 * helper program (the keyring, the keychain…). Pure text.
 */
import type {CredentialStore} from '../container/login-state.js';

/** What each well-known credential helper keeps passwords in. */
const helperPlaces: Readonly<Record<string, string>> = {
	secretservice: 'your keyring',
	osxkeychain: 'the macOS keychain',
	wincred: 'the Windows Credential Manager',
	desktop: "Docker Desktop's credential store",
	pass: 'your pass password store',
	'ecr-login': 'Amazon ECR (it asks AWS for a fresh token each time)',
	gcloud: 'the gcloud tool',
};

/** "kept in FILE, unencrypted…" or "kept by docker-credential-secretservice (your keyring)". */
export function loginStorage(store: CredentialStore, configPath: string): string {
	if (store.kind === 'file') return `kept in ${configPath}, unencrypted (only base64: anyone who can read that file can read the password)`;
	const place = helperPlaces[store.helper];
	return `kept by ${store.program}${place ? ` (${place})` : ''}, not in ${configPath}`;
}
