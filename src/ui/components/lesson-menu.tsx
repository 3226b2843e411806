import {Box, Text} from 'ink';
import React from 'react';
import type {LessonEntry} from '../../driver/lesson-entries.js';
import {terminalSafe} from '../../text/terminal-safe.js';
import {marks, theme} from '../theme.js';
import {ChoiceList} from './choice-list.js';
import {choosingHints, KeyHints} from './key-hints.js';

/** The lessons, each with its completion mark; choosing one starts (or resumes) it. */
export function LessonMenu({lessons, onChoose}: {readonly lessons: readonly LessonEntry[]; readonly onChoose: (id: string) => void}): React.JSX.Element {
	return (
		<Box flexDirection="column" paddingX={1}>
			<Text color={theme.accent} bold>
				registry-lab
			</Text>
			<Text> </Text>
			<Text bold>Which lesson?</Text>
			<ChoiceList
				options={lessons.map(lesson => ({
					label: terminalSafe(`${mark(lesson.status)} ${lesson.title} — ${describe(lesson.status)}`),
					value: lesson.id,
				}))}
				visible={8}
				onChoose={onChoose}
			/>
			<KeyHints hints={choosingHints} />
		</Box>
	);
}

function mark(status: LessonEntry['status']): string {
	return status.kind === 'done' ? marks.pass : status.kind === 'started' ? marks.current : marks.todo;
}

/** In words as well as the mark, so the meaning never rests on a symbol or a colour. */
function describe(status: LessonEntry['status']): string {
	if (status.kind === 'done') return 'finished';
	if (status.kind === 'started') return `resume at step ${status.step} of ${status.steps}`;
	return 'not started';
}
