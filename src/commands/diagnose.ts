import {commandLine, parseCommandLine, usageError, warn, type Out} from './args.js';
import {diagnose} from '../container/diagnose.js';
import {whatToDoLines} from '../text/what-to-do.js';

export const diagnoseHelp = `
  Usage
    $ registry-lab diagnose [--json] [--text TEXT] [--command CMD] [--registry HOST] [--engine docker|podman]
    $ docker push alice/demo 2>&1 | registry-lab diagnose

  Explains an error message from docker or podman in plain words: what went
  wrong and what to do next. The message is read from standard input, or
  given with --text. In a terminal, paste it and press Ctrl+D to finish.

  Options
    --text TEXT        the error message (instead of standard input)
    --command CMD      the command that printed it, e.g. "docker push" (makes the advice fit)
    --registry HOST    the registry involved
    --engine NAME      the engine the advice names: docker or podman (default: the one in
                       --command, else what the message looks like)
    --json             print one JSON object: {cause, title, hint}
    -h, --help         show this help
    -v, --version      show the version

  Exit codes
    0  the message was recognised     1  the cause is unknown     2  bad usage, or no message
`;

export const diagnoseArgs = commandLine({
	name: 'registry-lab diagnose',
	help: diagnoseHelp,
	flags: {
		json: {type: 'boolean'},
		text: {type: 'string'},
		command: {type: 'string'},
		registry: {type: 'string'},
		engine: {type: 'string', choices: ['docker', 'podman']},
	},
});

/** More than any engine prints; a longer input keeps its end, where the engines print the error. */
export const maxMessageBytes = 1024 * 1024;

export async function diagnoseCommand(argv: readonly string[], io: {out: Out; stdin: NodeJS.ReadableStream & {isTTY?: boolean}}): Promise<number> {
	const {name} = diagnoseArgs;
	const cli = parseCommandLine(argv, diagnoseArgs);
	if (!cli.ok) return cli.exitCode;
	if (cli.input.length > 0) {
		return usageError(name, `unexpected argument '${cli.input[0]}': pass the message with --text "..." or on standard input.`).exitCode;
	}
	let text = cli.flags.text;
	if (text === undefined) {
		// The prompt goes to standard error: standard output stays the diagnosis alone (and valid JSON with --json).
		if (io.stdin.isTTY) warn('Paste the error message, then press Ctrl+D on a new line to finish (Ctrl+C cancels).\n');
		text = await readTail(io.stdin, maxMessageBytes);
	}
	if (text.trim() === '') {
		return usageError(name, 'there is no message to explain: pipe it in (docker push NAME 2>&1 | registry-lab diagnose) or pass --text "...".').exitCode;
	}
	const {command, registry, engine} = cli.flags;
	const diagnosis = diagnose(text, {
		...(command ? {command} : {}),
		...(registry ? {registry} : {}),
		...(engine === 'docker' || engine === 'podman' ? {engine} : {}),
	});
	if (cli.flags.json) io.out(JSON.stringify(diagnosis), 'json');
	else io.out([diagnosis.title, '', ...whatToDoLines(diagnosis.hint), `(cause: ${diagnosis.cause})`].join('\n'));
	return diagnosis.cause === 'unknown' ? 1 : 0;
}

/** Everything the stream gives until its end, but no more than its last `max` bytes held at any time. */
async function readTail(stream: NodeJS.ReadableStream, max: number): Promise<string> {
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of stream) {
		const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
		chunks.push(buffer);
		size += buffer.length;
		while (chunks.length > 1 && size - chunks[0]!.length >= max) size -= chunks.shift()!.length;
	}
	const all = Buffer.concat(chunks);
	return (all.length > max ? all.subarray(all.length - max) : all).toString('utf8');
}
