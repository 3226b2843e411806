import type {ClassIo} from '../class.js';
import {commandLine, parseCommandLine, usageError, warn} from '../args.js';
import {readClassConfig} from '../../class/class-config-file.js';
import {startListener} from '../../class/listener.js';
import {onExitSignal} from '../../run/signals.js';

export const listenHelp = `
  Usage
    $ registry-lab class listen [--dir DIR] [--port N] [--bind ADDR]

  Runs the class listener in the foreground: it takes the class registry's
  notifications (who pushed and pulled what) and the reports of the
  students' labs, and appends both to events.jsonl in the class folder.
  What it refuses is written to listener.log. class up runs it for you, in
  the background; run it yourself to watch it, or when the registry runs
  elsewhere. It stops on ctrl+c (or SIGTERM), with everything it took on disk.

  Options
    --dir DIR        the class folder (default: the current folder)
    --port N         the port to listen on (default: listenerPort in class.json)
    --bind ADDR      the address to listen on (default: bind in class.json; 0.0.0.0 is every interface)
    -h, --help       show this help
    -v, --version    show the version

  Exit codes
    0    stopped (ended by a signal: 128 + its number, 130 for ctrl+c, 143 for SIGTERM)
    1    it cannot start: not a class folder, the port is in use, the address is not this computer's
    2    bad usage

  Examples
    $ registry-lab class listen --dir period-3
    $ registry-lab class listen --dir period-3 --port 5081 --bind 127.0.0.1
`;

export const listenArgs = commandLine({
	name: 'registry-lab class listen',
	help: listenHelp,
	flags: {dir: {type: 'string', default: '.'}, port: {type: 'string'}, bind: {type: 'string'}},
});

export async function listenCommand(argv: readonly string[], io: ClassIo): Promise<number> {
	const cli = parseCommandLine(argv, listenArgs);
	if (!cli.ok) return cli.exitCode;
	if (cli.input.length > 0)
		return usageError(listenArgs.name, `it takes no ${cli.input.length === 1 ? 'word' : 'words'} besides its options (${cli.input.join(' ')}).`).exitCode;
	let port: number | undefined;
	if (cli.flags.port !== undefined) {
		port = /^\d{1,5}$/.test(cli.flags.port) ? Number(cli.flags.port) : NaN;
		if (!(port >= 0 && port <= 65535))
			return usageError(listenArgs.name, `--port must be a port number (1-65535, or 0 for any free one), not '${cli.flags.port}'.`).exitCode;
	}
	const config = await readClassConfig(cli.flags.dir);
	if (!config.ok) {
		warn(`registry-lab class listen: ${config.problem}\n`);
		return 1;
	}
	const host = cli.flags.bind ?? config.value.bind;
	let listener: Awaited<ReturnType<typeof startListener>>;
	try {
		listener = await startListener({dir: cli.flags.dir, host, port: port ?? config.value.listenerPort});
	} catch (error) {
		warn(`registry-lab class listen: ${error instanceof Error ? error.message : String(error)}\n`);
		return 1;
	}
	const shown = host.includes(':') ? `[${host}]` : host;
	io.out(`The class listener of ${config.value.name} listens on http://${shown}:${listener.port} (ctrl+c stops it).`);
	// Runs until a signal: the listener is closed (what it took is on disk) before the process exits.
	await new Promise<void>(resolve => {
		onExitSignal(async () => {
			await listener.close();
			resolve();
		});
	});
	return 0;
}
