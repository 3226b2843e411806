import type {ClassIo} from '../class.js';
import {closest, commandLine, parseCommandLine, usageError} from '../args.js';
import {dirOption, report} from './folder-output.js';

export const removeHelp = `
  Usage
    $ registry-lab class remove NAME [--purge] [--dir DIR]

  Removes one student from the class: their account (htpasswd and
  accounts.csv) and their slip on the sheet. Their images stay in the class
  registry unless --purge.

  Options
    --purge          also delete every tag of every repository under NAME/
                     from the class registry (it must be running: class up)
    --dir DIR        the class folder (default: the current folder)
    -h, --help       show this help
    -v, --version    show the version

  Exit codes
    0  the student is removed
    1  there is no such student, the folder is not a class folder, or
       (--purge) the class registry does not answer or refused a delete
    2  bad usage

  Examples
    $ registry-lab class remove dana --dir period-3
    $ registry-lab class remove dana --purge --dir period-3
`;

export const removeArgs = commandLine({name: 'registry-lab class remove', help: removeHelp, flags: {purge: {type: 'boolean'}, dir: {type: 'string'}}});

export async function removeCommand(argv: readonly string[], io: ClassIo): Promise<number> {
	const cli = parseCommandLine(argv, removeArgs);
	if (!cli.ok) return cli.exitCode;
	if (cli.input.length !== 1) return usageError(removeArgs.name, 'name one student to remove, like registry-lab class remove dana.').exitCode;
	const {removeStudent} = await import('../../class/class-folder.js');
	const outcome = await removeStudent(cli.flags.dir ?? '.', cli.input[0]!.trim(), {purge: cli.flags.purge, dirOption: dirOption(cli.flags.dir), closest});
	return report(removeArgs.name, outcome, io.out);
}
