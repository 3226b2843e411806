import {Text} from 'ink';
import {useEffect, useState} from 'react';
import {theme} from '../theme.js';

/** Turns once a second: enough to show the lab is alive, without redrawing the screen for it. */
const frames = ['◐', '◓', '◑', '◒'] as const;
/** Under this, the seconds are noise; over it, they answer "is it stuck?". */
const showSecondsFrom = 3;

/**
 * "Work under way" for any wait: a turning mark, the label, and the seconds so far once they
 * matter. It replaces a spinner at 12 frames a second: every frame redraws the whole screen,
 * and during a push that cost more CPU than the docker client itself (`npm run bench`).
 */
export function Working({label}: {readonly label: string}) {
	const [seconds, setSeconds] = useState(0);
	useEffect(() => {
		const started = Date.now();
		const timer = setInterval(() => setSeconds(Math.floor((Date.now() - started) / 1000)), 1000);
		return () => clearInterval(timer);
	}, []);
	return (
		<Text>
			<Text color={theme.accent}>{frames[seconds % frames.length]}</Text> {label}
			{seconds >= showSecondsFrom ? <Text color={theme.muted}> {seconds} s</Text> : null}
		</Text>
	);
}
