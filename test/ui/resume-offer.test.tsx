import {render} from 'ink-testing-library';
import {describe, expect, it} from 'vitest';
import type {Engine} from '../../src/container/engine.js';
import {savedRuns} from '../../src/driver/saved-run.js';
import type {LessonProgress} from '../../src/progress/store.js';
import {App} from '../../src/ui/app.js';
import {ResumeOffer} from '../../src/ui/components/resume-offer.js';
import {keys, press, waitForText} from '../helpers/ink.js';
import {registryLesson} from '../helpers/lesson.js';

const offer = {step: 4, steps: 9, title: 'Pick an image to share', where: '127.0.0.1:5000', username: 'alice'};

describe('the resume offer', () => {
	it('says where the student stopped, shows its keys, and enter resumes', async () => {
		let answer: string | undefined;
		const app = render(<ResumeOffer offer={offer} onResume={() => (answer = 'resume')} onStartOver={() => (answer = 'over')} />);
		const screen = await waitForText(app, 'Last time you got to step 4 of 9');
		expect(screen).toMatch(/› Resume at step 4: Pick an image to share/);
		expect(screen).toMatch(/↑↓ choose\s+enter select\s+ctrl\+c quit\s*$/);
		await press(app, keys.enter);
		expect(answer).toBe('resume');
	});

	it('↓ and enter start over', async () => {
		let answer: string | undefined;
		const app = render(<ResumeOffer offer={offer} onResume={() => (answer = 'resume')} onStartOver={() => (answer = 'over')} />);
		await waitForText(app, 'Start over');
		await press(app, keys.down);
		await waitForText(app, '› Start over');
		await press(app, keys.enter);
		expect(answer).toBe('over');
	});
});

describe('the start screen of the app, with unfinished runs on two registries', () => {
	it('names every unfinished run above the resume offer, as a notice (not a pass mark)', async () => {
		const lesson = await registryLesson();
		const run = (over: Partial<LessonProgress> & Pick<LessonProgress, 'registry' | 'registryKind' | 'stepId' | 'completed'>): LessonProgress => ({
			vars: {},
			finished: false,
			stats: {},
			updatedAt: '2025-01-01T10:00:00.000Z',
			...over,
		});
		const runs = savedRuns(lesson, [
			run({
				registry: '127.0.0.1:5000',
				registryKind: 'class',
				vars: {username: 'alice'},
				stepId: 'tag',
				completed: ['what-is-a-registry', 'account', 'login'],
			}),
			run({registry: '127.0.0.1:41234', registryKind: 'practice', stepId: 'login', completed: ['what-is-a-registry', 'account']}),
		]);
		const engine: Engine = {name: 'docker', bin: '/nonexistent/registry-lab-test/docker', env: {}};
		const app = render(<App lesson={lesson} engine={engine} choice={{kind: 'practice'}} runs={runs} />);
		const screen = await waitForText(app, 'Last time you got to step 3 of 9');
		expect(screen.replace(/\s+/g, ' ')).toContain(
			'› Unfinished: on the class registry 127.0.0.1:5000 as alice (step 5 of 9); on the practice registry (step 3 of 9).',
		);
		expect(screen).not.toMatch(/✔ Unfinished/);
		app.unmount();
	});
});
