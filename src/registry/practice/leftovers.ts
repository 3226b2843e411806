/**
 * What practice runs left on this computer, for `registry-lab cleanup`: practice registries whose
 * lab was killed (their process or container, files and login: run-records.ts), and the temporary
 * folders of a pretend classmate or a starter image that a killed lab could not remove.
 */
import * as fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {logoutFrom} from './outcome.js';
import {cleanUpOrphans, defaultRunsDir, orphanRecords} from './run-records.js';

export type Leftover = {
	/** "a temporary folder /tmp/registry-lab-classmate-x1y2z3", as the list shows it. */
	readonly what: string;
	/** Removes it: undefined when done, else why it could not be. */
	readonly remove: () => Promise<string | undefined>;
};

/** A lab makes and removes these within a minute; one older than this was left by a lab that was killed. */
const staleAfterMs = 10 * 60_000;
const tempPrefixes = ['registry-lab-classmate-', 'registry-lab-starter-'];

export function practiceLeftovers(options: {readonly runsDir?: string; readonly tmp?: string; readonly now?: number} = {}): Leftover[] {
	const runsDir = options.runsDir ?? defaultRunsDir();
	const tmp = options.tmp ?? os.tmpdir();
	const now = options.now ?? Date.now();
	const leftovers: Leftover[] = [];
	const orphans = orphanRecords(runsDir);
	if (orphans.length > 0) {
		const names = orphans.map(record => record.host ?? record.remove[0] ?? 'a practice registry').join(', ');
		const which = orphans.length === 1 ? 'a practice registry' : `${orphans.length} practice registries`;
		leftovers.push({
			what: `what ${which} left when the lab was killed (${names}): the registry, its files and the login to it`,
			remove: async () => {
				await cleanUpOrphans(runsDir, logoutFrom);
				const still = orphanRecords(runsDir).length;
				return still === 0 ? undefined : `${still} could not be removed`;
			},
		});
	}
	for (const folder of staleTempFolders(tmp, now)) {
		leftovers.push({
			what: `a temporary folder ${folder}`,
			remove: async () => {
				await fs.promises.rm(folder, {recursive: true, force: true, maxRetries: 3});
				return undefined;
			},
		});
	}
	return leftovers;
}

/** Our own folders only (owner, a real folder, not a link), old enough that no lab is using them. */
function staleTempFolders(tmp: string, now: number): string[] {
	let names: string[];
	try {
		names = fs.readdirSync(tmp);
	} catch {
		return [];
	}
	const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
	return names
		.filter(name => tempPrefixes.some(prefix => name.startsWith(prefix)))
		.map(name => path.join(tmp, name))
		.filter(folder => {
			try {
				const stat = fs.lstatSync(folder);
				return stat.isDirectory() && (uid === undefined || stat.uid === uid) && now - stat.mtimeMs > staleAfterMs;
			} catch {
				return false;
			}
		});
}
