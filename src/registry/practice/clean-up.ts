import {ensureExitSignals, onExitSignal} from '../../run/signals.js';

/** Nothing is left running when the lab ends: on exit, and on SIGINT/SIGTERM/SIGHUP. */

export type Tracked = {
	readonly killSync: () => void;
	readonly logoutSync?: () => void;
	readonly removeSync: (() => void) | undefined;
	readonly forgetSync?: () => void;
};
const tracked = new Set<Tracked>();
let watching: (() => void) | undefined;

export function track(entry: Tracked): Tracked {
	tracked.add(entry);
	if (!watching) {
		// On exit, and on SIGINT, SIGTERM and SIGHUP through the lab's one owner of those signals
		// (src/run/signals.ts), which then ends the process with 128 + the signal's number.
		process.on('exit', cleanUpNow);
		const forget = onExitSignal(cleanUpNow);
		ensureExitSignals();
		watching = () => {
			process.off('exit', cleanUpNow);
			forget();
		};
	}
	return entry;
}

/** stop() may be called any number of times, at once or again later: the work runs once. */
export function stopOnce(work: () => Promise<void>): () => Promise<void> {
	let stopping: Promise<void> | undefined;
	return () => (stopping ??= work());
}

export function untrack(entry: Tracked): void {
	tracked.delete(entry);
	unwatchIfIdle();
}

function unwatchIfIdle(): void {
	if (tracked.size > 0 || !watching) return;
	watching();
	watching = undefined;
}

function cleanUpNow(): void {
	for (const entry of [...tracked]) {
		tracked.delete(entry);
		try {
			entry.killSync();
			entry.logoutSync?.();
			entry.removeSync?.();
			entry.forgetSync?.();
		} catch {
			// The process is going away: do what can be done.
		}
	}
}
