/**
 * The practice registry's data folder: its accounts as an htpasswd file, its storage,
 * and a way to remove exactly what was written there.
 */
import {randomBytes} from 'node:crypto';
import {rmSync} from 'node:fs';
import {mkdir, mkdtemp, rm, rmdir, stat, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {chosenPasswordCost, generatedPasswordCost, generatePassword, htpasswdLine} from '../htpasswd.js';
import {errorText} from '../http-util.js';
import {failure, type PracticeAccount, type StartFailure, type StartOptions} from './outcome.js';

type Resolved<T> = {readonly ok: true; readonly value: T} | StartFailure;

export function resolveAccounts(requested: StartOptions['accounts']): Resolved<{accounts: readonly PracticeAccount[]; lines: readonly string[]}> {
	const list = requested ?? [{username: 'student'}];
	if (list.length === 0) {
		return failure('A practice registry needs at least one account.', 'Pass one account, or leave `accounts` out to get the default "student".');
	}
	const seen = new Set<string>();
	const accounts: PracticeAccount[] = [];
	const lines: string[] = [];
	for (const {username, password} of list) {
		if (seen.has(username)) return failure(`The account ${JSON.stringify(username)} is listed twice.`, 'Give every account its own username.');
		seen.add(username);
		const account = {username, password: password ?? generatePassword()};
		try {
			lines.push(htpasswdLine(account.username, account.password, password === undefined ? generatedPasswordCost : chosenPasswordCost));
		} catch (error) {
			return failure(errorText(error), 'Change that account and start the practice registry again.');
		}
		accounts.push(account);
	}
	return {ok: true, value: {accounts, lines}};
}

export type DataDir = {
	readonly dir: string;
	readonly config: string;
	readonly auth: string;
	readonly htpasswd: string;
	readonly storage: string;
	readonly secret: string;
	/** Unique per start: the 401 from *this* registry names it, so another server on the port is not taken for ours. */
	readonly realm: string;
	/** What remove() takes away: the folder, or only our files in a folder that was given. */
	readonly entries: readonly string[];
	readonly remove: () => Promise<void>;
	readonly removeSync: () => void;
};

export async function prepareDataDir(requested: string | undefined, lines: readonly string[]): Promise<DataDir> {
	const existed = requested !== undefined && (await stat(requested).then(() => true, () => false));
	const dir = requested === undefined ? await mkdtemp(path.join(os.tmpdir(), 'registry-lab-practice-')) : path.resolve(requested);
	await mkdir(dir, {recursive: true});
	const auth = path.join(dir, 'auth');
	const storage = path.join(dir, 'storage');
	await mkdir(auth, {recursive: true});
	await mkdir(storage, {recursive: true});
	const htpasswd = path.join(auth, 'htpasswd');
	await writeFile(htpasswd, lines.join('\n') + '\n', {mode: 0o600});
	// A directory we made goes entirely; in one that was there before, only what we wrote goes.
	const ours = existed ? ['config.yml', 'container.env', 'auth', 'storage'].map(name => path.join(dir, name)) : [dir];
	return {
		dir,
		config: path.join(dir, 'config.yml'),
		auth,
		htpasswd,
		storage,
		secret: randomBytes(32).toString('hex'),
		realm: `registry-lab practice ${randomBytes(4).toString('hex')}`,
		entries: ours,
		async remove() {
			for (const entry of ours) await rm(entry, {recursive: true, force: true, maxRetries: 3}).catch(() => undefined);
			if (existed) await rmdir(dir).catch(() => undefined);
		},
		removeSync() {
			for (const entry of ours) {
				try {
					rmSync(entry, {recursive: true, force: true});
				} catch {
					// Best effort while the process exits.
				}
			}
		},
	};
}
