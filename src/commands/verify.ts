import {commandLine, parseCommandLine, usageError, warn, type Out} from './args.js';
import {createLabServices} from '../driver/services.js';
import {verifyLine, verifyProgress, verifyVerdict, type VerifyReport} from '../checks/verify-run.js';
import {defaultEngine, type EngineName} from '../container/engine.js';
import {defaultLessonId, findLesson, lessonProblem} from '../lesson/find.js';
import type {Lesson} from '../lesson/schema.js';
import {openProgressStore, runKey, storeProblem, type LessonProgress} from '../progress/store.js';
import {choiceOf, savedVars} from '../driver/saved-run.js';
import {registryOfKind} from '../registry/address.js';
import {createRegistryClient} from '../registry/registry-client.js';
import {labVars, withLessonVars} from '../driver/lab-vars.js';
import {completionOf, recordChecks} from '../checks/verify-completion.js';

export const verifyHelp = `
  Usage
    $ registry-lab verify [--json] [--verbose] [--lesson ID|FILE] [--registry HOST[:PORT] | --practice] [--engine docker|podman]

  Checks again, without the lesson screen, every step you have done: your
  login is still stored, your image is still on this computer, the registry
  still has what you pushed, the image you pulled is still here. It uses your
  saved progress (where you pushed, your username, the image names) and the
  engine's stored login; it never asks for a password.

  Each step is one line: ✔ pass, ✘ fail, or ? could not check (the registry
  could not be reached, was too busy, or did not answer within 10 seconds:
  not a pass, and not your mistake; run verify again later).

  When every step passes on a class registry or Docker Hub, it prints your
  completion code (RL1-…): what you pushed, its digest, whose image you
  pulled and when, with a checksum that catches a typo. Give it to your
  instructor, who checks it with registry-lab class check. A practice run
  gets none: its registry is gone once the lesson ends.

  Options
    --lesson ID|FILE      the lesson to verify (default: the first lesson, as registry-lab runs it)
    --registry HOST[:PORT], --practice
                          the run on that registry (docker.io: Docker Hub); default: the run saved last
    --engine NAME         docker (default) or podman
    --verbose             under each step, what its check did: the read-only command or request, and what came back
    --json                print one JSON object: {lesson, registry, ok, steps: [{id, title, status, ok, couldNotCheck?,
                          summary, detail?, cause?, hint?, did?}],
                          completionCode?}; status is pass, fail or unknown (could not check),
                          ok is true only for pass
    -h, --help            show this help
    -v, --version         show the version

  Exit codes
    0  every step passes
    1  a step fails or could not be checked (the last line counts them apart), or nothing is saved yet
    2  bad usage, or no such lesson

  Examples
    $ registry-lab verify
    $ registry-lab verify --verbose
    $ registry-lab verify --json
`;

export const verifyArgs = commandLine({
	name: 'registry-lab verify',
	help: verifyHelp,
	flags: {
		json: {type: 'boolean'},
		verbose: {type: 'boolean'},
		lesson: {type: 'string'},
		registry: {type: 'string'},
		practice: {type: 'boolean'},
		engine: {type: 'string', default: 'docker', choices: ['docker', 'podman']},
	},
});

export async function verifyCommand(argv: readonly string[], out: Out): Promise<number> {
	const cli = parseCommandLine(argv, verifyArgs);
	if (!cli.ok) return cli.exitCode;
	const {flags} = cli;
	if (cli.input.length > 0) return usageError('registry-lab verify', `unexpected '${cli.input[0]}' (choose a lesson with --lesson).`).exitCode;

	const lessonArg = flags.lesson ?? (await defaultLessonId()) ?? '';
	const found = await findLesson(lessonArg);
	if (!found.ok) {
		const message = lessonProblem(found);
		if (flags.json) out(JSON.stringify({lesson: lessonArg, ok: false, error: 'unknown-lesson', message, lessons: found.known}), 'json');
		else warn(`registry-lab verify: ${message}\n`);
		return 2;
	}
	const {lesson} = found;

	let progress: LessonProgress | undefined;
	try {
		const store = openProgressStore();
		if (store.notice) warn(`registry-lab: ${store.notice}\n`);
		const registry = flags.practice ? 'practice' : flags.registry === undefined ? undefined : runKey({registryKind: 'class', registry: flags.registry});
		progress = store.get(lesson.id, registry);
	} catch (error) {
		// Saved progress that cannot be read is nothing to verify: exit 1, as with nothing saved.
		const {message} = storeProblem(error);
		if (flags.json) out(JSON.stringify({lesson: lesson.id, ok: false, error: 'progress-unreadable', message}), 'json');
		else warn(`registry-lab verify: ${message}\n`);
		return 1;
	}
	if (!progress) {
		const on = flags.practice ? ' on the practice registry' : flags.registry ? ` on ${flags.registry}` : '';
		const message = `no saved progress for lesson ${lesson.id}${on}: run registry-lab --lesson ${lessonArg} first.`;
		if (flags.json) out(JSON.stringify({lesson: lesson.id, ok: false, error: 'no-progress', message}), 'json');
		else out(`registry-lab verify: ${message}`);
		return 1;
	}

	const engine = defaultEngine(flags.engine as EngineName);
	const services = createLabServices({engine, registry: progress.registry, registryKind: progress.registryKind});
	const checks = recordChecks(check => services.runCheck(check));
	const report = await verifyProgress({
		lesson,
		registryKind: progress.registryKind,
		registry: progress.registry,
		vars: {...withLessonVars(lesson, progress.registryKind, labVars(choiceOf(progress), progress.registry, engine.name)), ...savedVars(lesson, progress)},
		runCheck: checks.run,
		...(progress.registryKind === 'practice' ? {registryGone: await practiceGone(progress.registry)} : {}),
	});
	const completion = completionOf({...progress, lesson, report, checks: checks.results});
	if (flags.json) out(JSON.stringify({...report, ...completion.json}), 'json');
	else out([humanReport(report, lesson, progress, flags.verbose === true), ...completion.lines].join('\n'));
	return report.ok ? 0 : 1;
}

/** A practice registry stops when its lesson ends: say that, not "connection refused". */
async function practiceGone(host: string): Promise<{summary: string; hint: string} | undefined> {
	const ping = await createRegistryClient({registry: host, timeoutMs: 3000}).ping();
	if (ping.ok || ping.reason !== 'network') return undefined;
	return {
		summary: `The practice registry (${host}) is no longer running: it stopped when the lesson ended, and what you pushed to it went with it.`,
		hint: 'Run registry-lab --practice to practise again, or push to a class registry or Docker Hub to keep an image.',
	};
}

function humanReport(report: VerifyReport, lesson: Lesson, progress: LessonProgress, verbose: boolean): string {
	const where = registryOfKind(progress.registryKind, progress.registry);
	return [
		`${lesson.title} — ${where}${progress.vars.username ? `, as ${progress.vars.username}` : ''}`,
		...report.steps.map(step => verifyLine(step, verbose)),
		verifyVerdict(report.steps),
	].join('\n');
}
