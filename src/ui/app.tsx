import {Box, Text, useApp, useInput} from 'ink';
import React, {useEffect, useRef, useState} from 'react';
import type {AnswerOf, LessonView, Move, MoveRequest, Port, Question, Quit} from '../driver/port.js';
import {startLab, type LabOptions, type LabSession} from '../driver/run-lab.js';
import type {Resume, SavedRun} from '../driver/saved-run.js';
import {PreflightView} from './components/preflight-view.js';
import {RegistryPicker} from './components/registry-picker.js';
import {ResumeOffer} from './components/resume-offer.js';
import {StepView} from './components/step-view.js';
import {Working} from './components/working.js';
import {marks, theme} from './theme.js';

export type AppProps = Omit<LabOptions, 'start' | 'saved'> & {
	/** Start at this step with these variables (a test going straight to a step). */
	readonly resume?: Resume;
	/** Saved progress of an unfinished run: the app offers to resume it, after checking it still holds. */
	readonly saved?: SavedRun;
	/** Called once when the app is about to exit, with how the lesson ended. */
	readonly onExit?: (outcome: {finished: boolean}) => void;
	/** Called once with the lesson's session when it starts (render-app ends it on an exit signal). */
	readonly onSession?: (session: LabSession) => void;
};

type Asking = {readonly question: Question; readonly answer: (value: AnswerOf<Question>) => void};
type Moving = {readonly request: MoveRequest; readonly answer: (move: Move | Quit) => void};
type Face = {
	readonly working?: string;
	/** What the start-up said (the engine works, the practice registry runs). */
	readonly said: readonly string[];
	/** What the driver said once the lesson was on screen (progress could not be saved). */
	readonly notes: readonly string[];
	readonly asking?: Asking;
	readonly lesson?: LessonView;
	readonly moving?: Moving;
};

/** The Ink face: draws what the driver shows, and turns keys into the student's answers and moves. */
export function App(props: AppProps): React.JSX.Element {
	const {exit} = useApp();
	const [face, setFace] = useState<Face>({said: [], notes: []});
	const session = useRef<LabSession | undefined>(undefined);

	useEffect(() => {
		const port: Port = {
			working: label => setFace(current => ({...current, working: label})),
			say: text =>
				setFace(current =>
					current.lesson ? {...current, notes: [...current.notes, text].slice(-2)} : {...current, said: [...current.said, text].slice(-3)},
				),
			ask: question =>
				new Promise(resolve => {
					const answer = (value: unknown): void => {
						setFace(current => ({...current, asking: undefined}));
						resolve(value as never);
					};
					setFace(current => ({...current, asking: {question, answer}}));
				}),
			show: view => setFace(current => ({...current, lesson: view})),
			// The lesson state carries the output; the screen draws it from there.
			output: () => undefined,
			move: request =>
				new Promise(resolve => {
					const answer = (move: Move | Quit): void => {
						setFace(current => ({...current, moving: undefined}));
						resolve(move);
					};
					setFace(current => ({...current, lesson: request.view, moving: {request, answer}}));
				}),
		};
		const {resume, saved, onExit, onSession, ...options} = props;
		const lab = startLab(port, {...options, ...(resume ? {start: resume} : {}), ...(saved ? {saved} : {})});
		session.current = lab;
		onSession?.(lab);
		let live = true;
		void lab.done.then(outcome => {
			if (!live) return;
			onExit?.(outcome);
			exit();
		});
		return () => {
			live = false;
			lab.leave();
		};
		// One run of the lab for the life of the app.
	}, []); // eslint-disable-line react-hooks/exhaustive-deps -- the props are read once, at the start

	useInput((input, key) => {
		if (key.ctrl && input === 'c') session.current?.interrupt();
		const asked = face.asking?.question;
		if (asked && (asked.kind === 'engine-problem' || asked.kind === 'practice-problem') && input.toLowerCase() === 'r') face.asking?.answer('retry');
	});

	return (
		<Box flexDirection="column" paddingX={1}>
			<Text>
				<Text color={theme.accent} bold>
					registry-lab
				</Text>
				<Text color={theme.muted}> · {props.lesson.title}</Text>
			</Text>
			<Box marginTop={1} flexDirection="column">
				{face.lesson ? (
					<StepView
						view={face.lesson}
						request={face.moving?.request}
						onMove={move => face.moving?.answer(move)}
						onStop={() => session.current?.stop()}
					/>
				) : (
					<StartUp face={face} />
				)}
				{face.lesson &&
					face.notes.map(note => (
						<Text key={note} color={theme.warning}>
							{marks.arrow} {note}
						</Text>
					))}
				{face.lesson && face.working && <Working label={face.working} />}
			</Box>
		</Box>
	);
}

/** Before the first step: what the start-up asks, or what it is doing. */
function StartUp({face}: {readonly face: Face}): React.JSX.Element | null {
	const {asking} = face;
	const said = face.said.map(text => (
		<Text key={text} color={theme.muted}>
			{marks.pass} {text}
		</Text>
	));
	if (!asking)
		return (
			<Box flexDirection="column">
				{said}
				{face.working && <Working label={face.working} />}
			</Box>
		);
	const {question, answer} = asking;
	switch (question.kind) {
		case 'resume':
			return <ResumeOffer offer={question.offer} onResume={() => answer('resume')} onStartOver={() => answer('start-over')} />;
		case 'registry':
			return <RegistryPicker options={question.options} onChoose={answer} />;
		case 'engine-problem':
			return <PreflightView result={question.result} engineName={question.engineName} />;
		case 'practice-problem':
			return (
				<Box flexDirection="column">
					{said}
					<Text color={theme.failure}>
						{marks.fail} {question.message}
					</Text>
					<Text>{question.hint}</Text>
					<Text color={theme.muted}>r try again · ctrl+c quit</Text>
				</Box>
			);
	}
}
