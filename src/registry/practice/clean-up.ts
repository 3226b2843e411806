/** Nothing is left running when the lab ends: on exit, and on SIGINT/SIGTERM/SIGHUP. */

export type Tracked = {
	readonly killSync: () => void;
	readonly logoutSync?: () => void;
	readonly removeSync: (() => void) | undefined;
	readonly forgetSync?: () => void;
};
const tracked = new Set<Tracked>();
const exitSignals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
let watching = false;

export function track(entry: Tracked): Tracked {
	tracked.add(entry);
	if (!watching) {
		watching = true;
		process.on('exit', cleanUpNow);
		for (const signal of exitSignals) process.on(signal, onSignal);
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
	watching = false;
	process.off('exit', cleanUpNow);
	for (const signal of exitSignals) process.off(signal, onSignal);
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

/**
 * A listener on a signal replaces Node's default (exit). If nobody else listens, the signal
 * means the end: stop the registries, take our listener off and send the same signal again,
 * so the process ends as it would have. If someone else listens (as signal-exit does, which
 * we count out like it counts itself out), the decision is theirs, and 'exit' cleans up.
 */
function onSignal(signal: NodeJS.Signals): void {
	const signalExit = (globalThis as Record<symbol, {count?: unknown} | undefined>)[Symbol.for('signal-exit emitter')];
	const signalExitListeners = typeof signalExit?.count === 'number' ? signalExit.count : 0;
	const others = process.listenerCount(signal) - 1 - signalExitListeners;
	if (others > 0) return;
	cleanUpNow();
	unwatchIfIdle();
	process.kill(process.pid, signal);
}
