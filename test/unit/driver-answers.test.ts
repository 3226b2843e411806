import {describe, expect, it} from 'vitest';
import {defaultEngine} from '../../src/container/engine.js';
import {answerEvent, answersShown, typedEvent} from '../../src/driver/answers.js';
import {createLabServices} from '../../src/driver/services.js';
import {reduce, startRun} from '../../src/lesson-run/lesson-run.js';
import {lessonFrom} from '../helpers/lesson.js';

const yaml = `
id: t
title: T
steps:
  - id: login
    title: Login
    body: log in
    inputs:
      - {id: password, label: Password, kind: secret}
    command: {args: [login, "{registryArg}", --password-stdin], stdin: "{password}"}
  - id: push
    title: Push
    body: push
    inputs:
      - {id: image, label: Image, kind: local-image}
    command: {args: [push, "{image}"]}
    check: {type: manifest, reference: "{image}"}
`;

const lesson = () => lessonFrom(yaml);

const services = createLabServices({engine: defaultEngine('docker'), registry: '127.0.0.1:5000', registryKind: 'class'});
const vars = {registry: '127.0.0.1:5000', registryArg: '127.0.0.1:5000', username: 'alice'};

describe('answers, as the driver takes them from either face', () => {
	it('a secret loses the line ending pasted with it, and is never kept for mending when refused', () => {
		const [login] = lesson().steps;
		const input = login!.inputs[0];
		expect(answerEvent(input, 'pw\r\n')).toEqual({type: 'submit-input', value: 'pw'});
		expect(answerEvent(input, '')).toEqual({type: 'reject-input', message: 'Please type something first.'});
	});

	it('an image name typed instead of picked is checked as an image name, and kept for mending', () => {
		const input = lesson().steps[1]!.inputs[0];
		expect(answerEvent(input, '  my-app:1.0 ')).toEqual({type: 'submit-input', value: 'my-app:1.0'});
		const refused = answerEvent(input, 'My App');
		expect(refused).toMatchObject({type: 'reject-input', value: 'My App'});
	});

	it('a typed line: empty asks for the next hint, escapes do what they name, a wrong command says why', () => {
		const state = reduce(startRun(lesson(), 'class', {...vars, image: '127.0.0.1:5000/alice/app:1.0'}, {stepId: 'push'}), {
			type: 'submit-input',
			value: '127.0.0.1:5000/alice/app:1.0',
		});
		expect(state.typing).toBe(true);
		expect(typedEvent(state, '', services)).toMatchObject({type: 'hint', message: expect.stringMatching(/^Nudge: this step uses `docker push`/)});
		expect(typedEvent(state, '!run', services)).toEqual({type: 'run'});
		expect(typedEvent(state, ' !CHECK ', services)).toEqual({type: 'check-only'});
		expect(typedEvent(state, '!edit', services)).toEqual({type: 'edit'});
		expect(typedEvent(state, 'docker push 127.0.0.1:5000/alice/app:1.0', services)).toEqual({type: 'run'});
		expect(typedEvent(state, 'docker pus 127.0.0.1:5000/alice/app:1.0', services)).toMatchObject({
			type: 'typed-mismatch',
			message: expect.stringContaining("did you mean 'docker push'"),
		});
	});

	it('the reminder of the step’s answers never shows a secret', () => {
		const state = reduce(startRun(lesson(), 'class', vars), {type: 'submit-input', value: 'hunter2-secret'});
		expect(answersShown(state)).toEqual(['Password: ********']);
	});
});
