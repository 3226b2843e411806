import {beforeAll, describe, expect, it} from 'vitest';
import {labVars, type RegistryChoice} from '../../src/driver/lab-vars.js';
import type {Lesson} from '../../src/lesson/schema.js';
import {stepsFor} from '../../src/lesson/steps.js';
import {fill} from '../../src/lesson/template.js';
import {startRun, type RunState} from '../../src/lesson-run/lesson-run.js';
import {endOfRun} from '../../src/text/summary.js';
import {lessonFrom, registryLesson} from '../helpers/lesson.js';

let lesson: Lesson;

beforeAll(async () => {
	lesson = await registryLesson();
});

const proof = {
	username: 'student',
	target: '127.0.0.1:5000/student/first-image:1.0',
	digest: `sha256:${'a'.repeat(64)}`,
	pullRef: '127.0.0.1:5000/classmate/hello:1.0',
	// Whose image it was, as the pull step's check found it.
	classmate: 'classmate',
};

/** The run as saved at the end of the lesson (every step done), or after the steps given. */
function run(choice: RegistryChoice, host: string, engine = 'docker', completed?: readonly string[], of: Lesson = lesson): RunState {
	const steps = stepsFor(of, choice.kind).map(step => step.id);
	return startRun(of, choice.kind, {...labVars(choice, host, engine), ...proof}, {completed: completed ?? steps});
}

const file = '/home/sam/.config/registry-lab/progress.json';

describe('the last words of a finished lesson', () => {
	it('a class registry: what was pushed, its digest, what was pulled, how to log out, and where it was saved', () => {
		expect(endOfRun({finished: true, state: run({kind: 'class', host: '127.0.0.1:5000'}, '127.0.0.1:5000'), progressFile: file})).toEqual([
			'Lesson finished: you did all 9 steps of "Share an image through a registry".',
			`  pushed  ${proof.target}`,
			`  digest  ${proof.digest}`,
			`  pulled  ${proof.pullRef}  (classmate's image)`,
			'On a shared computer, log out so the next person cannot push as you:',
			'  docker logout 127.0.0.1:5000',
			`Progress saved in ${file}; registry-lab verify checks every step again.`,
		]);
	});

	it('a step gone past because its check could not be made is said as not checked, never counted as done', () => {
		const hub = run({kind: 'hub'}, 'docker.io');
		const skipped: RunState = {...hub, completed: hub.completed.filter(id => id !== 'account'), skipped: ['account']};
		const words = endOfRun({finished: true, state: skipped});
		expect(words[0]).toBe(`Lesson finished: ${hub.steps.length - 1} of ${hub.steps.length} steps of "Share an image through a registry" checked.`);
		expect(words[1]).toMatch(/^ {2}\? not checked: .+ \(its check could not be made; registry-lab verify checks it again\)$/);
		expect(words.join('\n')).not.toContain('you did all');
	});

	it('the logout names the engine that was chosen, and Docker Hub needs no address', () => {
		const podman = endOfRun({finished: true, state: run({kind: 'class', host: 'registry.school.example'}, 'registry.school.example', 'podman')});
		expect(podman).toContain('  podman logout registry.school.example');
		expect(podman.join('\n')).not.toMatch(/docker logout/);
		expect(endOfRun({finished: true, state: run({kind: 'hub'}, '')})).toContain('  docker logout');
	});

	it('a practice registry: no logout to do (the lab did it, and the registry is gone), and no verify of a registry that stopped', () => {
		const words = endOfRun({finished: true, state: run({kind: 'practice'}, '127.0.0.1:41234'), progressFile: file});
		expect(words).toContain(`  pushed  ${proof.target}`);
		expect(words).toContain('The practice registry has stopped, and registry-lab logged you out of it.');
		expect(words.join('\n')).not.toMatch(/logout|log out so|verify/);
		expect(words.at(-1)).toBe(`Progress saved in ${file}.`);
	});

	it('nothing saved: no line about a progress file; a lesson with no login: no logout advice', () => {
		const words = endOfRun({finished: true, state: run({kind: 'class', host: 'h.example'}, 'h.example')});
		expect(words.join('\n')).not.toMatch(/Progress saved/);
		const noLogin = lessonFrom('id: tiny\ntitle: Tiny\nsteps:\n  - id: one\n    title: One\n    body: Hello.\n');
		const tiny = endOfRun({finished: true, state: run({kind: 'class', host: 'h.example'}, 'h.example', 'docker', undefined, noLogin)});
		expect(tiny[0]).toBe('Lesson finished: you did its one step of "Tiny".');
		expect(tiny.join('\n')).not.toMatch(/log out|logout/);
	});
});

describe('the last words of a lesson left before the end', () => {
	const partWay = ['what-is-a-registry', 'account', 'login'];

	it('says where the progress was saved and how to resume', () => {
		const state = run({kind: 'class', host: '127.0.0.1:5000'}, '127.0.0.1:5000', 'docker', partWay);
		expect(endOfRun({finished: false, state, progressFile: file, resumeWith: 'registry-lab --engine podman'})).toEqual([
			'You left the lesson before the end.',
			`Progress saved in ${file} — run registry-lab --engine podman again to resume.`,
		]);
	});

	it('says when nothing was saved, when there is nothing to resume yet, and that a practice lesson starts over', () => {
		const state = run({kind: 'class', host: '127.0.0.1:5000'}, '127.0.0.1:5000', 'docker', partWay);
		expect(endOfRun({finished: false, state})[1]).toBe('Nothing was saved, so next time it starts from the beginning.');
		const none = run({kind: 'class', host: '127.0.0.1:5000'}, '127.0.0.1:5000', 'docker', []);
		expect(endOfRun({finished: false, state: none, progressFile: file})[1]).toBe('No step was done yet, so next time it starts from the beginning.');
		const practice = run({kind: 'practice'}, '127.0.0.1:41234', 'docker', partWay);
		expect(endOfRun({finished: false, state: practice, progressFile: file})[1]).toBe(
			`Progress saved in ${file} (a practice lesson starts over: its registry is gone).`,
		);
	});

	it('a run that never reached its first step has nothing to say', () => {
		expect(endOfRun({finished: false})).toEqual([]);
	});
});

describe('the done step', () => {
	const doneText = (choice: RegistryChoice, host: string): string => {
		const done = stepsFor(lesson, choice.kind).find(step => step.id === 'done')!;
		return fill(done.body, {...labVars(choice, host, 'docker'), ...proof});
	};

	it('on a practice registry it does not tell the student to log out of the registry that is going away', () => {
		const text = doneText({kind: 'practice'}, '127.0.0.1:41234');
		expect(text).not.toContain('logout 127.0.0.1:41234');
		expect(text).toMatch(/registry-lab stops the practice registry, deletes what\s+was pushed to it and logs you out of it/);
		expect(text).toContain(proof.digest);
	});

	it('on a class registry and on Docker Hub it shows the logout command', () => {
		expect(doneText({kind: 'class', host: '127.0.0.1:5000'}, '127.0.0.1:5000')).toMatch(/^ {2}docker logout 127\.0\.0\.1:5000$/m);
		expect(doneText({kind: 'hub'}, '')).toMatch(/^ {2}docker logout *$/m);
	});
});
