import {parseCommandLine, type Out} from './args.js';
import {diagnose} from '../container/diagnose.js';

export const diagnoseHelp = `
  Usage
    $ registry-lab diagnose [--json] [--text TEXT] [--command CMD] [--registry HOST]
    $ docker push alice/demo 2>&1 | registry-lab diagnose

  Explains an error message from docker or podman in plain words: what went
  wrong and what to do next. The message is read from standard input, or
  given with --text.

  Options
    --text TEXT        the error message (instead of standard input)
    --command CMD      the command that printed it, e.g. "docker push" (makes the advice fit)
    --registry HOST    the registry involved
    --json             print one JSON object: {cause, title, hint}

  Exit codes
    0  the message was recognised     1  the cause is unknown     2  bad usage
`;

export async function diagnoseCommand(
	argv: readonly string[],
	io: {out: Out; stdin: NodeJS.ReadableStream & {isTTY?: boolean}},
): Promise<number> {
	const cli = parseCommandLine(argv, {
		name: 'registry-lab diagnose',
		help: diagnoseHelp,
		flags: {json: {type: 'boolean'}, text: {type: 'string'}, command: {type: 'string'}, registry: {type: 'string'}},
	});
	if (!cli.ok) return cli.exitCode;
	if (cli.input.length > 0) {
		io.out(`registry-lab diagnose: unexpected argument '${cli.input[0]}'. Pass the message with --text "..." or on standard input.\n${diagnoseHelp}`);
		return 2;
	}
	let text = cli.flags.text;
	if (text === undefined) {
		if (io.stdin.isTTY) {
			io.out(`registry-lab diagnose: paste or pipe the error message on standard input, or pass --text "...".\n${diagnoseHelp}`);
			return 2;
		}
		text = await readAll(io.stdin);
	}
	const diagnosis = diagnose(text, {
		...(cli.flags.command ? {command: cli.flags.command} : {}),
		...(cli.flags.registry ? {registry: cli.flags.registry} : {}),
	});
	if (cli.flags.json) io.out(JSON.stringify(diagnosis), 'json');
	else io.out(`${diagnosis.title}\n\nWhat to do: ${diagnosis.hint}\n(cause: ${diagnosis.cause})`);
	return diagnosis.cause === 'unknown' ? 1 : 0;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
	const chunks: Buffer[] = [];
	for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
	return Buffer.concat(chunks).toString('utf8');
}
