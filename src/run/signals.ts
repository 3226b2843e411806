/**
 * The one owner of SIGTERM, SIGHUP and SIGINT. Libraries bundled in the lab (Ink, execa) each carry a
 * copy of signal-exit, which re-sends a signal only when no other listener is there: with several
 * copies, each defers to the others and nobody ends the process. So the lab listens itself, asks
 * what runs to end cleanly (a lesson leaves: its command stops, its practice registry is stopped,
 * the terminal is given back), waits a bounded time, and exits with 128 + the signal's number, as
 * a shell reports a process ended by a signal. The libraries' own 'exit' hooks still run then.
 */

export type ExitSignal = 'SIGTERM' | 'SIGHUP' | 'SIGINT';

const exitCodes: Readonly<Record<ExitSignal, number>> = {SIGHUP: 129, SIGINT: 130, SIGTERM: 143};
const signals = Object.keys(exitCodes) as ExitSignal[];

type Ending = (signal: ExitSignal) => unknown;
const endings = new Set<Ending>();
const interrupts = new Set<() => boolean>();
let installed = false;
let exiting: ExitSignal | undefined;

export type InstallOptions = {
	/** How long the endings may take before the process exits anyway. */
	readonly graceMs?: number;
	/** Tests replace the exit. */
	readonly exit?: (code: number) => void;
};

const processExit = (code: number): void => process.exit(code);
let grace = 5000;
let exit = processExit;
let quietStreams = false;

/** Listen to the exit signals, once for the whole process (the entry point does it, for every command). */
export function installExitSignals(options: InstallOptions = {}): void {
	grace = options.graceMs ?? 5000;
	exit = options.exit ?? processExit;
	if (installed) return;
	installed = true;
	for (const signal of signals) process.on(signal, onSignal);
}

/** Listen, unless the entry point already does: for a library that must not be left running (the practice registry). */
export function ensureExitSignals(): void {
	if (!installed) installExitSignals();
}

/** Take the listeners off again (tests). */
export function uninstallExitSignals(): void {
	installed = false;
	exiting = undefined;
	for (const signal of signals) process.off(signal, onSignal);
}

/**
 * Called on the first exit signal, with it: end cleanly (a promise is waited for, up to the grace
 * time). Returns a function that takes the ending off again, for when its work is over.
 */
export function onExitSignal(ending: Ending): () => void {
	endings.add(ending);
	return () => void endings.delete(ending);
}

/**
 * SIGINT is also ctrl+c when the lab reads from a pipe in a terminal (plain mode): asked first, an
 * interrupt that returns true took it as ctrl+c (it stopped a running command) and the lab goes on.
 */
export function onInterruptSignal(interrupt: () => boolean): () => void {
	interrupts.add(interrupt);
	return () => void interrupts.delete(interrupt);
}

/** The code a process ended by this signal exits with. */
export function exitCodeOf(signal: ExitSignal): number {
	return exitCodes[signal];
}

function onSignal(signal: NodeJS.Signals): void {
	const which = signal as ExitSignal;
	// Already ending: a second signal changes nothing; the grace time bounds the wait either way.
	if (exiting) return;
	if (which === 'SIGINT') for (const interrupt of [...interrupts]) if (interrupt()) return;
	exiting = which;
	// After a hangup the terminal may be gone: a failed write must not end the lab before it cleaned up.
	if (!quietStreams) for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
	quietStreams = true;
	const ends = [...endings].map(async ending => {
		try {
			await ending(which);
		} catch {
			// The process ends anyway; the 'exit' hooks clean up what this could not.
		}
	});
	let timer: NodeJS.Timeout | undefined;
	const late = new Promise<void>(resolve => {
		timer = setTimeout(resolve, grace);
	});
	void Promise.race([Promise.all(ends), late]).then(() => {
		clearTimeout(timer);
		exit(exitCodes[which]);
	});
}
