import {render} from 'ink-testing-library';
import {describe, expect, it} from 'vitest';
import {ResumeOffer} from '../../src/ui/components/resume-offer.js';
import {keys, press, waitForText} from '../helpers/ink.js';

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
