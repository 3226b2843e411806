import type {Out} from './commands/args.js';
import {jsonSafe, terminalSafe} from './text/terminal-safe.js';

/** Argument dispatch: each subcommand loads only what it needs, so quick commands start quickly. */
export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<number> {
	// Everything a command prints passes here, names and registry answers included: shown, never obeyed.
	const out: Out = (text, format) => {
		const safe = format === 'json' ? jsonSafe(text) : terminalSafe(text);
		process.stdout.write(safe.endsWith('\n') ? safe : `${safe}\n`);
	};
	switch (argv[0]) {
		case 'explain':
			return (await import('./commands/explain.js')).explainCommand(argv.slice(1), out);
		case 'diagnose':
			return (await import('./commands/diagnose.js')).diagnoseCommand(argv.slice(1), {out, stdin: process.stdin});
		case 'doctor':
			return (await import('./commands/doctor.js')).doctorCommand(argv.slice(1), out);
		case 'verify':
			return (await import('./commands/verify.js')).verifyCommand(argv.slice(1), out);
		case 'reset':
			return (await import('./commands/reset.js')).resetCommand(argv.slice(1), {out, input: process.stdin, output: process.stdout});
		case 'cleanup':
			return (await import('./commands/cleanup.js')).cleanupCommand(argv.slice(1), {out, input: process.stdin, output: process.stdout});
		case 'lesson':
			return (await import('./commands/lesson.js')).lessonCommand(argv.slice(1), out);
		case 'class':
			return (await import('./commands/class.js')).classCommand(argv.slice(1), {out, stdin: process.stdin});
		default:
			return (await import('./commands/lab.js')).labCommand(argv);
	}
}
