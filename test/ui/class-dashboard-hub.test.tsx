// The dashboard of a Docker Hub class: the PUSHED column comes from Docker Hub (a local replay server), polled on a
// timer; the header says when Docker Hub is rate-limiting and until when.
import {rm} from 'node:fs/promises';
import {render} from 'ink-testing-library';
import {afterEach, describe, expect, it} from 'vitest';
import {createClassFeed, openClass} from '../../src/class/class-source.js';
import {clockTime} from '../../src/class/class-view.js';
import {ClassDashboard, type DashboardFeed} from '../../src/ui/components/class-dashboard-view.js';
import {hubReply, rateLimited, serveHub, writeHubClass} from '../fixtures/class/hub-class.js';
import {report} from '../fixtures/class/records.js';
import {closeServers} from '../helpers/http-server.js';
import {waitForText} from '../helpers/ink.js';
import {resizeTerminal} from '../helpers/terminal-size.js';

const title = {name: 'hub-class', registry: 'docker.io', joinLine: 'registry-lab --class 192.0.2.10:5050'};
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
	for (const cleanup of cleanups.splice(0)) await cleanup();
	await closeServers();
});

/** The feed of a Docker Hub class folder, its Docker Hub at `origin`; the watch checks a student at most every `minIntervalMs`. */
async function hubFeed(origin: string, minIntervalMs = 60_000): Promise<DashboardFeed & {readonly hub: ReturnType<typeof createClassFeed>['hub']}> {
	const dir = await writeHubClass([report('alicestudent', 'push', 'pass', 0)]);
	cleanups.push(() => rm(dir, {recursive: true, force: true}));
	const opened = await openClass(dir);
	if (!opened.ok) throw new Error(opened.problem);
	return createClassFeed(opened.value, 5, {hubBaseUrl: origin, hubWatch: {minIntervalMs}});
}

function show(feed: DashboardFeed) {
	const app = render(<ClassDashboard title={title} feed={feed} onQuit={() => undefined} readEveryMs={20} hubEveryMs={20} />);
	cleanups.push(() => app.unmount());
	return app;
}

describe('the dashboard of a Docker Hub class', () => {
	it('shows what each student pushed to Docker Hub, polled on a timer, and names the account Docker Hub does not have', async () => {
		const server = await serveHub();
		const app = show(await hubFeed(server.origin));
		await resizeTerminal(app, 140, 30);
		const frame = await waitForText(app, /alicestudent .* demo:latest 9b2f0e6 .* \+2/);
		expect(frame).toContain('hub-class · registry docker.io · students type: registry-lab --class 192.0.2.10:5050');
		expect(frame).toContain('Docker Hub has no account nobodyhere');
		expect(frame).not.toContain('rate-limiting');
		// The timer polled again and again; the watch itself kept each student to once a minute.
		const asked = server.seen.length;
		await new Promise(resolve => setTimeout(resolve, 200));
		expect(server.seen.length).toBe(asked);
	});

	it('says in its header that Docker Hub is rate-limiting, and until when; then shows the pushes once it may ask again', async () => {
		let limited = true;
		const server = await serveHub(url => (limited ? rateLimited(1) : hubReply(url)));
		const feed = await hubFeed(server.origin, 0);
		const app = show(feed);
		await resizeTerminal(app, 140, 30);
		const frame = await waitForText(app, 'Docker Hub is rate-limiting: no request until');
		expect(feed.hub?.limited).toBe(true);
		expect(frame).toContain(`no request until ${clockTime(feed.hub!.until!)}`);
		expect(frame).toContain("Not every student's repositories have been read from Docker Hub");
		limited = false;
		const after = await waitForText(app, /alicestudent .* demo:latest 9b2f0e6/);
		expect(after).not.toContain('rate-limiting');
	});
});
