import {commandLine, parseCommandLine, usageError, type Out} from './args.js';
import {explainJson, explainText} from '../container/explain.js';

export const explainHelp = `
  Usage
    $ registry-lab explain REF [--json]

  Shows the parts of an image name the way docker reads it: registry,
  repository, tag and digest, with Docker Hub's defaults filled in.

  Options
    --json           print one JSON object: {input, valid, domain, path, tag, digest, normalized, reason, note}
    -h, --help       show this help
    -v, --version    show the version

  Exit codes
    0  the name is valid     1  the name is not valid     2  bad usage

  Examples
    $ registry-lab explain alpine
    $ registry-lab explain 127.0.0.1:5000/alice/demo:1.0 --json
`;

export const explainArgs = commandLine({name: 'registry-lab explain', help: explainHelp, flags: {json: {type: 'boolean'}}});

export function explainCommand(argv: readonly string[], out: Out): number {
	const cli = parseCommandLine(argv, explainArgs);
	if (!cli.ok) return cli.exitCode;
	if (cli.input.length !== 1) {
		const what =
			cli.input.length === 0 ? 'give an image name, like registry-lab explain alpine.' : 'give exactly one image name (quote it if it has spaces).';
		return usageError('registry-lab explain', what).exitCode;
	}
	const input = cli.input[0]!;
	const json = explainJson(input);
	if (cli.flags.json) out(JSON.stringify(json), 'json');
	else out(explainText(input));
	return json.valid ? 0 : 1;
}
