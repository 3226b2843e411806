import type {ClassIo} from '../class.js';
import {closest, commandLine, parseCommandLine, usageError} from '../args.js';
import {report} from './folder-output.js';

export const passwordHelp = `
  Usage
    $ registry-lab class password NAME [--dir DIR]

  Gives one student a new generated password (in a Docker Hub class: a new
  join code) and prints it once, for you to tell them. The old one stops
  working; htpasswd, accounts.csv and the sheet (accounts.md) get the new one.

  Options
    --dir DIR        the class folder (default: the current folder)
    -h, --help       show this help
    -v, --version    show the version

  Exit codes
    0  the student has a new password
    1  there is no such student, or the folder is not a class folder
    2  bad usage

  Examples
    $ registry-lab class password dana --dir period-3
`;

export const passwordArgs = commandLine({name: 'registry-lab class password', help: passwordHelp, flags: {dir: {type: 'string'}}});

export async function passwordCommand(argv: readonly string[], io: ClassIo): Promise<number> {
	const cli = parseCommandLine(argv, passwordArgs);
	if (!cli.ok) return cli.exitCode;
	if (cli.input.length !== 1) return usageError(passwordArgs.name, 'name one student, like registry-lab class password dana.').exitCode;
	const {newPassword} = await import('../../class/class-folder.js');
	return report(passwordArgs.name, await newPassword(cli.flags.dir ?? '.', cli.input[0]!.trim(), closest), io.out);
}
