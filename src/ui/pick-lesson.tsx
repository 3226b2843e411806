import {render} from 'ink';
import type {LessonEntry} from '../driver/lesson-entries.js';
import {LessonMenu} from './components/lesson-menu.js';

/** Ask which lesson to run; null when the student left with ctrl+c. */
export async function pickLesson(lessons: readonly LessonEntry[]): Promise<string | null> {
	let chosen: string | null = null;
	const instance = render(
		<LessonMenu
			lessons={lessons}
			onChoose={id => {
				chosen = id;
				// The lesson's own screen takes the menu's place: no menu left above it.
				instance.clear();
				instance.unmount();
			}}
		/>,
	);
	await instance.waitUntilExit();
	return chosen;
}
