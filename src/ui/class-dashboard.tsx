import {render} from 'ink';
import {onExitSignal} from '../run/signals.js';
import {ClassDashboard, type ClassDashboardProps} from './components/class-dashboard-view.js';

export type DashboardOptions = {
	/** The terminal (default: this process's); tests give their own. */
	readonly stdout?: NodeJS.WriteStream;
	readonly stdin?: NodeJS.ReadStream;
};

/** Show the class dashboard in this terminal until the instructor presses q (or ctrl+c, or a signal ends it). */
export async function renderDashboard(props: Omit<ClassDashboardProps, 'onQuit'>, options: DashboardOptions = {}): Promise<void> {
	const instance = render(<ClassDashboard {...props} onQuit={() => instance.unmount()} />, {
		maxFps: 15,
		...(options.stdout ? {stdout: options.stdout, patchConsole: false} : {}),
		...(options.stdin ? {stdin: options.stdin} : {}),
	});
	// A signal from outside unmounts it, which gives the terminal back before the process exits.
	const off = onExitSignal(async () => {
		instance.unmount();
		await instance.waitUntilExit();
	});
	try {
		await instance.waitUntilExit();
	} finally {
		off();
	}
}
