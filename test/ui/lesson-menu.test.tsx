import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {render} from 'ink-testing-library';
import {afterEach, describe, expect, it} from 'vitest';
import {lessonEntries} from '../../src/driver/lesson-entries.js';
import {defaultLessonId} from '../../src/lesson/find.js';
import {loadLessons} from '../../src/lesson/load.js';
import {openProgressStore, progressFrom} from '../../src/progress/store.js';
import {LessonMenu} from '../../src/ui/components/lesson-menu.js';
import {keys, press, waitForText} from '../helpers/ink.js';

const dirs: string[] = [];
afterEach(async () => {
	for (const dir of dirs.splice(0)) await rm(dir, {recursive: true, force: true});
});

describe('the lesson menu', () => {
	it('lists every lesson with its completion mark, in words too, and picks one', async () => {
		let chosen: string | undefined;
		const app = render(
			<LessonMenu
				lessons={[
					{id: 'registries', title: 'Share an image through a registry', summary: '', status: {kind: 'done'}},
					{id: 'versions', title: 'Versions and digests', summary: '', status: {kind: 'started', step: 3, steps: 7}},
					{id: 'private', title: 'Private repositories', summary: '', status: {kind: 'new'}},
				]}
				onChoose={id => (chosen = id)}
			/>,
		);
		const screen = await waitForText(app, 'Which lesson?');
		expect(screen).toContain('✔ Share an image through a registry — finished');
		expect(screen).toContain('● Versions and digests — resume at step 3 of 7');
		expect(screen).toContain('○ Private repositories — not started');
		expect(screen).toMatch(/↑↓ choose\s+enter select\s+ctrl\+c quit\s*$/);
		await press(app, keys.down, keys.enter);
		expect(chosen).toBe('versions');
	});

	it('two lessons in a lessons folder: in the order of their file names, the first the default, each with its own mark from the progress file', async () => {
		const dir = await mkdtemp(path.join(os.tmpdir(), 'registry-lab-lessons-'));
		dirs.push(dir);
		const lesson = (id: string, title: string) =>
			`id: ${id}\ntitle: ${title}\nsteps:\n` + ['one', 'two', 'three'].map(step => `  - {id: ${step}, title: ${step}, body: x}\n`).join('');
		await writeFile(path.join(dir, '20-second.yaml'), lesson('second', 'The second lesson'));
		await writeFile(path.join(dir, '10-first.yaml'), lesson('first', 'The first lesson'));
		const loaded = (await loadLessons(dir)).flatMap(result => (result.ok ? [result.lesson] : []));
		expect(loaded.map(each => each.id)).toEqual(['first', 'second']);
		expect(await defaultLessonId(dir)).toBe('first');

		const store = openProgressStore({cwd: dir});
		const run = {registry: '127.0.0.1:5000', registryKind: 'class', vars: {}, stats: {}} as const;
		store.save('first', progressFrom({...run, completed: ['one', 'two', 'three'], stepId: 'three', finished: true}));
		store.save('second', progressFrom({...run, completed: ['one'], stepId: 'two', finished: false}));
		let chosen: string | undefined;
		const app = render(<LessonMenu lessons={lessonEntries(loaded, store.all())} onChoose={id => (chosen = id)} />);
		const screen = await waitForText(app, 'Which lesson?');
		expect(screen).toContain('✔ The first lesson — finished');
		expect(screen).toContain('● The second lesson — resume at step 2 of 3');
		expect(screen.indexOf('The first lesson')).toBeLessThan(screen.indexOf('The second lesson'));
		await press(app, keys.down, keys.enter);
		expect(chosen).toBe('second');

		// Cleared, the second is not started again; the first keeps its mark.
		store.clear('second');
		const fresh = render(<LessonMenu lessons={lessonEntries(loaded, store.all())} onChoose={() => undefined} />);
		const again = await waitForText(fresh, 'Which lesson?');
		expect(again).toContain('✔ The first lesson — finished');
		expect(again).toContain('○ The second lesson — not started');
	});

	it('a longer list than fits says how many more lessons there are', async () => {
		let chosen: string | undefined;
		const lessons = Array.from({length: 12}, (_, index) => ({id: `l${index}`, title: `Lesson ${index}`, summary: '', status: {kind: 'new'} as const}));
		const app = render(<LessonMenu lessons={lessons} onChoose={id => (chosen = id)} />);
		const screen = await waitForText(app, '↓ 4 more');
		expect(screen).not.toContain('Lesson 8');
		await press(app, ...Array.from({length: 9}, () => keys.down));
		const moved = await waitForText(app, '↑ 2 more');
		expect(moved).toContain('↓ 2 more');
		expect(moved).toMatch(/› ○ Lesson 9/);
		await press(app, keys.enter);
		expect(chosen).toBe('l9');
	});

	it('lists both shipped lessons, each with its own mark from the saved progress', async () => {
		const lessons = (await loadLessons()).flatMap(result => (result.ok ? [result.lesson] : []));
		const saved = (stepId: string, finished: boolean) =>
			progressFrom({registry: '127.0.0.1:5000', registryKind: 'class', vars: {username: 'student'}, completed: [], stats: {}, stepId, finished});
		let chosen: string | undefined;
		const app = render(
			<LessonMenu lessons={lessonEntries(lessons, {registries: saved('done', true), versions: saved('push-2', false)})} onChoose={id => (chosen = id)} />,
		);
		const screen = await waitForText(app, 'Which lesson?');
		expect(screen).toContain('✔ Share an image through a registry — finished');
		// push-2 is the 9th of the versions lesson's 16 steps on a class registry.
		expect(screen).toContain('● Versions and tags — resume at step 9 of 16');
		await press(app, keys.down, keys.enter);
		expect(chosen).toBe('versions');
	});
});
