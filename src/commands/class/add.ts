import type {ClassIo} from '../class.js';
import {commandLine, parseCommandLine, usageError} from '../args.js';
import {report} from './folder-output.js';

export const addHelp = `
  Usage
    $ registry-lab class add NAME [--dir DIR]

  Adds one student to the class: a new account with a generated password
  (in a Docker Hub class: a join code), and their slip at the end of the
  sheet (accounts.md). The name must be one the roster would accept.

  Options
    --dir DIR        the class folder (default: the current folder)
    -h, --help       show this help
    -v, --version    show the version

  Exit codes
    0  the student is added
    1  the name is refused (already in the class, or it cannot be a username), or the folder is not a class folder
    2  bad usage

  Examples
    $ registry-lab class add dana --dir period-3
`;

export const addArgs = commandLine({name: 'registry-lab class add', help: addHelp, flags: {dir: {type: 'string'}}});

export async function addCommand(argv: readonly string[], io: ClassIo): Promise<number> {
	const cli = parseCommandLine(argv, addArgs);
	if (!cli.ok) return cli.exitCode;
	if (cli.input.length !== 1) return usageError(addArgs.name, 'name one student to add, like registry-lab class add dana.').exitCode;
	const {addStudent} = await import('../../class/class-folder.js');
	return report(addArgs.name, await addStudent(cli.flags.dir ?? '.', cli.input[0]!.trim()), io.out);
}
