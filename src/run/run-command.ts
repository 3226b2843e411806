/** One external command, never through a shell. */
export type CommandSpec = {
	readonly file: string;
	readonly args: readonly string[];
	/** Written to the child's stdin, then stdin is closed (secrets go here, never into args). */
	readonly stdin?: string;
	readonly timeoutMs?: number;
	/** Extra environment for the child, merged over process.env. */
	readonly env?: Readonly<Record<string, string | undefined>>;
};

export type CommandResult = {
	/** null when the process did not exit by itself (killed, or never started). */
	readonly exitCode: number | null;
	readonly stdout: string;
	readonly stderr: string;
	readonly timedOut: boolean;
	readonly canceled: boolean;
	readonly durationMs: number;
	/** Set when the program could not be started at all (ENOENT, EACCES). */
	readonly spawnError?: string;
};

export type RunOptions = {
	readonly signal?: AbortSignal;
	/** Called with each complete line of stdout or stderr, as it arrives. */
	readonly onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
};

/**
 * Run a command and resolve to a plain result. Never throws for a non-zero exit,
 * a missing program, a timeout or an abort; kills the child (and its process group)
 * when the signal aborts or this process exits.
 */
export async function runCommand(spec: CommandSpec, options: RunOptions = {}): Promise<CommandResult> {
	const started = performance.now();
	const {signal, onLine} = options;
	// Loaded on first use: most commands (explain, the first frame) never start a process.
	const {execa} = await import('execa');
	const subprocess = execa(spec.file, [...spec.args], {
		input: spec.stdin,
		stdin: spec.stdin === undefined ? 'ignore' : undefined,
		env: spec.env ? {...spec.env} : undefined,
		extendEnv: true,
		reject: false,
		timeout: spec.timeoutMs,
		cancelSignal: signal,
		forceKillAfterDelay: 2000,
		// A process group of its own: stopping it also stops what it started (a wrapper script's
		// children), which execa's kill of the one pid would leave running. execa does not clean up
		// a detached child on exit: killGroup below does.
		detached: true,
		cleanup: true,
		stripFinalNewline: true,
		encoding: 'utf8',
		// Without a terminal, engines print plain progress lines instead of redraws.
		shell: false,
	});

	if (onLine) {
		for (const stream of ['stdout', 'stderr'] as const) {
			let pending = '';
			subprocess[stream]?.on('data', (chunk: Buffer | string) => {
				pending += chunk.toString();
				// Engines redraw with \r as well as \n: both end a line for us.
				const parts = pending.split(/\r\n|\r|\n/);
				pending = parts.pop() ?? '';
				for (const line of parts) if (line.length > 0) onLine(line, stream);
			});
			subprocess[stream]?.on('end', () => {
				if (pending.length > 0) onLine(pending, stream);
				pending = '';
			});
		}
	}

	const killGroup = (kill: NodeJS.Signals): void => {
		if (subprocess.pid === undefined) return;
		try {
			process.kill(-subprocess.pid, kill);
		} catch {
			// The group is gone already.
		}
	};
	const onAbort = (): void => killGroup('SIGTERM');
	const onExit = (): void => killGroup('SIGKILL');
	signal?.addEventListener('abort', onAbort, {once: true});
	process.on('exit', onExit);
	let result: Awaited<typeof subprocess>;
	try {
		result = await subprocess;
	} finally {
		signal?.removeEventListener('abort', onAbort);
		process.off('exit', onExit);
	}
	// Stopped or timed out: whatever the program started and left behind goes too.
	if (result.isCanceled || result.timedOut) killGroup('SIGKILL');
	const durationMs = Math.round(performance.now() - started);
	const code = (result as {code?: string}).code;
	const spawnFailed = result.failed && result.exitCode === undefined && !result.isCanceled && !result.timedOut && !result.isTerminated;
	return {
		exitCode: result.exitCode ?? null,
		stdout: typeof result.stdout === 'string' ? result.stdout : '',
		stderr: typeof result.stderr === 'string' ? result.stderr : '',
		timedOut: result.timedOut,
		canceled: result.isCanceled,
		durationMs,
		...(spawnFailed ? {spawnError: code ?? result.shortMessage} : {}),
	};
}
