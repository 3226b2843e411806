import {describe, expect, it} from 'vitest';
import {labVars, withLessonVars, type RegistryChoice} from '../../src/driver/lab-vars.js';
import {labFacts, lessonVars} from '../../src/lesson/lesson-vars.js';
import {parseLesson} from '../../src/lesson/load.js';
import {currentStep, startRun} from '../../src/lesson-run/lesson-run.js';
import {fill} from '../../src/lesson/template.js';
import {lessonFrom, registryLesson} from '../helpers/lesson.js';

/** A lesson of an instructor's own, whose tip differs on each kind of registry. */
const lesson = lessonFrom(`
id: own-words
title: Own words
vars:
  where:
    hub: on Docker Hub
    class: on your school's registry {registry}
    practice: on the practice registry {registry}
  tip:
    hub: Make a token at {tokenUrl}.
    practice:
      - Your password is {practicePassword}
      - The password was shown before.
  same: Engine {engine}, everywhere.
steps:
  - id: login
    title: Log in {where}
    body: "{same}"
    tip: "{tip}"
    inputs:
      - {id: version, label: Version}
    check: {type: recorded, value: "{version}"}
`);

const made = (choice: RegistryChoice, host: string, extra: Record<string, string> = {}) =>
	withLessonVars(lesson, choice.kind, {...labVars(choice, host, 'podman'), ...extra});

describe("a lesson's own variables (vars:)", () => {
	it('are made at the start from the lab’s variables, with the text for the registry chosen; a kind left out is empty', () => {
		expect(made({kind: 'hub'}, '')).toMatchObject({
			where: 'on Docker Hub',
			tip: expect.stringMatching(/^Make a token at https:\/\//),
			same: 'Engine podman, everywhere.',
		});
		expect(made({kind: 'class', host: 'r.school:5000'}, 'r.school:5000')).toMatchObject({where: "on your school's registry r.school:5000", tip: ''});
	});

	it('of a list, the first text whose variables all have a value is taken (none: empty)', () => {
		expect(made({kind: 'practice'}, '127.0.0.1:4000', {practicePassword: 'pw-1'}).tip).toBe('Your password is pw-1');
		expect(made({kind: 'practice'}, '127.0.0.1:4000').tip).toBe('The password was shown before.');
		expect(lessonVars({vars: {x: {practice: ['{classmateImage}']}}}, 'practice', {})).toEqual({x: ''});
	});

	it('reach the step the student sees', () => {
		const state = startRun(lesson, 'class', made({kind: 'class', host: 'r.school:5000'}, 'r.school:5000'));
		const step = currentStep(state)!;
		expect(fill(step.title, state.vars)).toBe("Log in on your school's registry r.school:5000");
		expect(fill(step.body, state.vars)).toBe('Engine podman, everywhere.');
	});

	it('the lab itself says no words: its variables are facts, and the registry lesson has its tips as its own', async () => {
		for (const choice of [{kind: 'hub'}, {kind: 'class', host: 'r:5000'}, {kind: 'practice'}] as const) {
			expect(Object.keys(labVars(choice, 'r:5000', 'docker')).every(name => (labFacts as readonly string[]).includes(name))).toBe(true);
		}
		const registries = await registryLesson();
		expect(Object.keys(registries.vars).sort()).toEqual(['classmateExample', 'loginTip', 'pullTip', 'registryTitle']);
		const practice = withLessonVars(registries, 'practice', {
			...labVars({kind: 'practice'}, '127.0.0.1:4000', 'docker'),
			username: 'student',
			practicePassword: 'pw-1',
			classmateImage: '127.0.0.1:4000/classmate/hello:1.0',
		});
		expect(practice).toMatchObject({
			registryTitle: 'the practice registry on this computer (127.0.0.1:4000)',
			loginTip: 'Your practice password is pw-1',
			classmateExample: '127.0.0.1:4000/classmate/hello:1.0',
			pullTip: 'On the practice registry a pretend classmate has pushed 127.0.0.1:4000/classmate/hello:1.0: pull that one.',
		});
		const hub = withLessonVars(registries, 'hub', labVars({kind: 'hub'}, '', 'docker'));
		expect(hub.loginTip).toMatch(/^Use a personal access token instead of your password: make one at https:\/\/\S+ \(Read & Write\)\. You can revoke/);
		expect(hub.classmateExample).toBe('THEIR-USERNAME/first-image:1.0');
	});

	it('the loader refuses a name that is taken, and a text that uses anything but the lab’s variables', () => {
		const result = parseLesson(`
id: bad
title: Bad
vars:
  registry: mine
  version: {class: x}
  digest: y
  early: "{version} of {note}"
steps:
  - id: one
    title: One
    body: "{early}"
    inputs: [{id: version, label: Version}]
    check: {type: manifest, reference: "x/{version}"}
`);
		expect(result.ok).toBe(false);
		const errors = result.ok ? [] : result.errors;
		expect(errors.some(error => /vars\.registry: 'registry' cannot be a lesson variable: the lab sets it/.test(error))).toBe(true);
		expect(errors.some(error => /vars\.version: 'version' cannot be a lesson variable: it is an input of the step 'one'/.test(error))).toBe(true);
		expect(errors.some(error => /vars\.digest: 'digest' cannot be a lesson variable: the manifest check finds it/.test(error))).toBe(true);
		expect(errors.some(error => /vars\.early: \{version\} cannot be used in a lesson variable/.test(error))).toBe(true);
		expect(errors.some(error => /vars\.early: \{note\} cannot be used in a lesson variable/.test(error))).toBe(true);
	});

	it('a per-registry value names only hub, class and practice', () => {
		const result = parseLesson(`
id: bad
title: Bad
vars:
  tip: {hub: a, school: b}
steps:
  - {id: one, title: One, body: x}
`);
		expect(result.ok).toBe(false);
	});
});
