import {execFileSync, spawnSync} from 'node:child_process';
import {mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {isAlive} from '../../src/run/process-alive.js';

/**
 * A real terminal for end-to-end tests: a detached tmux session of a given size running a command, read
 * the way a student reads it (the screen, the scrollback, whether the cursor shows) and typed into key by
 * key. Every session of a test process lives on one private tmux server (its own socket, `tmux -S`, in a
 * folder of its own, and no configuration file), so a test never sees or touches the user's own tmux. Needs tmux (3.0 or newer:
 * `new-session -e`); scripts/ensure-engine.sh installs it.
 *
 * The command runs under a small shell that stays after it ends and prints, below whatever the command
 * left on the screen, `EXIT=<code>` and `stty -a` (the terminal's modes as the command left them: `icanon
 * echo` when it gave the terminal back, `-icanon -echo` when it left it raw). `exited()` reads them.
 */

export type TmuxOptions = {
	readonly cols?: number;
	readonly rows?: number;
	/** Added to the session's environment (the server's own is this process's, without tmux's and NO_COLOR). */
	readonly env?: Readonly<Record<string, string>>;
	readonly cwd?: string;
};

export type Exited = {
	readonly code: number;
	/** `stty -a` as the command left the terminal. */
	readonly stty: string;
	/** Lines are edited by the terminal (canonical mode): false when the command left it raw. */
	readonly icanon: boolean;
	/** Typed characters are echoed: false when the command left it raw. */
	readonly echo: boolean;
};

export type Screen = string;
export type WaitOptions = {
	/** Default 30 s. */
	readonly timeoutMs?: number;
	/** Read the scrollback too, not only what is visible. */
	readonly scrollback?: boolean;
	/** What is waited for, in the error on a timeout. */
	readonly what?: string;
};

export type TmuxSession = {
	readonly name: string;
	/** The pid of the shell that runs the command (the pane's process): the command is its child. */
	readonly shellPid: number;
	/**
	 * Named keys, one key press each, as tmux names them: Enter, Tab, BSpace, Escape, Up, Down, Left,
	 * Right, Home, End, C-c, C-u, C-w, … (`send-keys`; several in one call arrive together, like a burst).
	 */
	sendKeys(...keys: string[]): void;
	/** Literal text, as if typed (or pasted: it arrives in one piece): `send-keys -l`. */
	sendText(text: string): void;
	/**
	 * The visible screen (`capture-pane -p`), with lines the terminal wrapped joined (`-J`); with
	 * `scrollback`, everything from the top of the history (`-S -`); with `escapes`, the colours and
	 * attributes as escape sequences (`-e`).
	 */
	capture(options?: {readonly scrollback?: boolean; readonly escapes?: boolean}): Screen;
	/**
	 * Poll the screen (every 50 ms) until it shows `what` (a string it contains, a pattern it matches,
	 * or a test it passes); returns that screen. On a timeout the error shows the last screen.
	 */
	waitFor(what: string | RegExp | ((screen: Screen) => boolean), options?: WaitOptions): Promise<Screen>;
	/** Make the window cols × rows (the program gets SIGWINCH, as when a student drags the window). */
	resize(cols: number, rows: number): void;
	/** The window's size as tmux has it. */
	size(): {cols: number; rows: number};
	/** Whether the terminal's cursor is shown (`#{cursor_flag}`): a full-screen app hides it while it runs. */
	cursorVisible(): boolean;
	/** Every byte the command wrote to the terminal so far, escape sequences and all (`pipe-pane`). */
	output(): string;
	/** Wait for the command to end; its exit code and the terminal's modes as it left them. */
	exited(timeoutMs?: number): Promise<Exited>;
	/** Whether the command has ended (the wrapper printed its exit code). */
	hasExited(): boolean;
	/** End the session (the command gets SIGHUP if it still runs) and remove its files. */
	kill(): void;
};

const serverPrefix = 'registry-lab-tmux-';
let server: {dir: string; socket: string} | undefined;
let sessions = 0;
const live = new Set<TmuxSession>();

/**
 * This test process's server folder (the socket and the sessions' logs). Test workers do not always
 * get to run their afterAll: a server left by a process that is gone is ended, and its folder removed.
 */
function serverFiles(): {dir: string; socket: string} {
	if (server) return server;
	for (const entry of readdirSync(os.tmpdir())) {
		const pid = Number(entry.slice(serverPrefix.length));
		if (!entry.startsWith(serverPrefix) || !Number.isInteger(pid) || isAlive(pid)) continue;
		const dir = path.join(os.tmpdir(), entry);
		spawnSync('tmux', ['-S', path.join(dir, 'socket'), 'kill-server'], {stdio: 'ignore'});
		rmSync(dir, {recursive: true, force: true});
	}
	const dir = path.join(os.tmpdir(), `${serverPrefix}${process.pid}`);
	mkdirSync(dir, {recursive: true, mode: 0o700});
	server = {dir, socket: path.join(dir, 'socket')};
	return server;
}

/** The server's environment: this process's, minus what would make the command think it is nested or colourless. */
function serverEnv(): NodeJS.ProcessEnv {
	const env = {...process.env};
	for (const name of ['TMUX', 'TMUX_PANE', 'NO_COLOR', 'FORCE_COLOR']) delete env[name];
	if (env.TERM === 'dumb' || !env.TERM) env.TERM = 'xterm-256color';
	return env;
}

/** One tmux command on the private server; its standard output. */
export function tmux(...args: string[]): string {
	return execFileSync('tmux', ['-S', serverFiles().socket, '-f', '/dev/null', ...args], {
		encoding: 'utf8',
		env: serverEnv(),
		stdio: ['ignore', 'pipe', 'pipe'],
	});
}

/** Whether tmux is installed, and its version (`tmux -V`). */
export function tmuxVersion(): string | undefined {
	const version = spawnSync('tmux', ['-V'], {encoding: 'utf8'});
	return version.status === 0 ? version.stdout.trim() : undefined;
}

/** Kill every session of this test process, and the private server with them; remove its files. */
export function stopTmuxServer(): void {
	if (!server) return;
	for (const session of [...live]) session.kill();
	spawnSync('tmux', ['-S', server.socket, 'kill-server'], {stdio: 'ignore'});
	rmSync(server.dir, {recursive: true, force: true});
	server = undefined;
}

/**
 * Start `command` (program and arguments, no shell) in a new detached session, `cols` × `rows`
 * (default 100 × 30). Everything it writes is logged from its first byte: the command waits until the
 * log is on (`tmux wait-for`) before it starts.
 */
export function startTmux(command: readonly string[], options: TmuxOptions = {}): TmuxSession {
	const cols = options.cols ?? 100;
	const rows = options.rows ?? 30;
	sessions += 1;
	const name = `rl-${process.pid}-${sessions}`;
	const dir = mkdtempSync(path.join(serverFiles().dir, `${name}-`));
	const log = path.join(dir, 'output');
	const go = `${name}-go`;
	// "$@" is the command: nothing of it is parsed by a shell. Its last words are written with \r\n, to start
	// their lines even on a terminal it left raw. The shell stays (sleep) so they stay readable.
	const wrapper = [
		`tmux wait-for ${go}`,
		'"$@"',
		'code=$?',
		"modes=$(stty -a | tr '\\n' ' ')",
		`printf '\\r\\nEXIT=%s\\r\\n%s\\r\\nSTTY-END\\r\\n' "$code" "$modes"`,
		'exec sleep 3600',
	].join('; ');
	const envArgs = Object.entries(options.env ?? {}).flatMap(([key, value]) => ['-e', `${key}=${value}`]);
	const cwdArgs = options.cwd ? ['-c', options.cwd] : [];
	// A long history (set before the pane is made: it takes the limit then), so a whole lesson's scrollback is there to read.
	const newSession = ['new-session', '-d', '-s', name, '-x', String(cols), '-y', String(rows), ...cwdArgs, ...envArgs, '--', 'sh', '-c', wrapper, 'sh'];
	tmux('set-option', '-g', 'history-limit', '50000', ';', ...newSession, ...command);
	tmux('pipe-pane', '-o', '-t', name, `cat >> '${log}'`);
	tmux('wait-for', '-S', go);
	const shellPid = Number(tmux('display-message', '-p', '-t', name, '#{pane_pid}').trim());

	const capture: TmuxSession['capture'] = ({scrollback = false, escapes = false} = {}) =>
		tmux('capture-pane', '-p', '-J', ...(escapes ? ['-e'] : []), ...(scrollback ? ['-S', '-'] : []), '-t', name);

	const lastWords = (): {code: number; stty: string} | undefined => {
		const screen = capture({scrollback: true});
		const found = /^EXIT=(\d+)\s*\n([\s\S]*?)^STTY-END\s*$/m.exec(screen);
		return found ? {code: Number(found[1]), stty: found[2]!} : undefined;
	};

	const waitFor: TmuxSession['waitFor'] = async (what, {timeoutMs = 30_000, scrollback = false, what: named} = {}) => {
		const test =
			typeof what === 'string' ? (screen: Screen) => screen.includes(what) : what instanceof RegExp ? (screen: Screen) => what.test(screen) : what;
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const screen = capture({scrollback});
			if (test(screen)) return screen;
			if (Date.now() > deadline) {
				const label = named ?? (typeof what === 'function' ? 'a screen that passes the test' : String(what));
				throw new Error(`tmux ${name}: waited ${timeoutMs} ms for ${label}; the screen (${size().cols}×${size().rows}) was:\n${frame(screen)}`);
			}
			await new Promise(resolve => setTimeout(resolve, 50));
		}
	};

	const size = (): {cols: number; rows: number} => {
		const [width, height] = tmux('display-message', '-p', '-t', name, '#{window_width} #{window_height}').trim().split(' ').map(Number);
		return {cols: width!, rows: height!};
	};

	const session: TmuxSession = {
		name,
		shellPid,
		sendKeys: (...keys) => void tmux('send-keys', '-t', name, '--', ...keys),
		sendText: text => void tmux('send-keys', '-t', name, '-l', '--', text),
		capture,
		waitFor,
		// resize-window makes the window's size manual: it stays as set, whatever clients attach.
		resize: (newCols, newRows) => void tmux('resize-window', '-t', name, '-x', String(newCols), '-y', String(newRows)),
		size,
		cursorVisible: () => tmux('display-message', '-p', '-t', name, '#{cursor_flag}').trim() === '1',
		output: () => {
			try {
				return readFileSync(log, 'utf8');
			} catch {
				return '';
			}
		},
		async exited(timeoutMs = 30_000) {
			let words: {code: number; stty: string} | undefined;
			await waitFor(() => (words = lastWords()) !== undefined, {timeoutMs, scrollback: true, what: 'the command to end (EXIT= and stty -a)'});
			const modes = words!.stty.split(/\s+/);
			return {code: words!.code, stty: words!.stty, icanon: modes.includes('icanon'), echo: modes.includes('echo')};
		},
		hasExited: () => lastWords() !== undefined,
		kill() {
			live.delete(session);
			if (server) spawnSync('tmux', ['-S', server.socket, 'kill-session', '-t', name], {stdio: 'ignore'});
			rmSync(dir, {recursive: true, force: true});
		},
	};
	live.add(session);
	return session;
}

/** A screen in an error message: framed, so its blank lines and trailing spaces can be seen. */
function frame(screen: Screen): string {
	const lines = screen.replace(/\n+$/, '').split('\n');
	return lines.map(line => `│${line}`).join('\n');
}

/**
 * A test for waitFor: the screen shows `text`, ignoring where whitespace and line breaks fall (the app
 * wraps long lines at the window's width, and boxes a command line).
 */
export function showsText(text: string): (screen: Screen) => boolean {
	const squashed = text.replace(/\s+/g, '');
	return screen => screen.replace(/[\s│]+/g, '').includes(squashed);
}
