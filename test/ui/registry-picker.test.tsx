import {render} from 'ink-testing-library';
import {describe, expect, it} from 'vitest';
import {RegistryPicker} from '../../src/ui/components/registry-picker.js';
import type {RegistryChoice} from '../../src/driver/lab-vars.js';
import {hostProblem} from '../../src/registry/address.js';
import {keys, press, type, waitForText} from '../helpers/ink.js';

describe('the start screen asks where to push', () => {
	it('offers Docker Hub, a class registry and a practice registry; enter picks Docker Hub', async () => {
		let chosen: RegistryChoice | undefined;
		const app = render(<RegistryPicker onChoose={choice => (chosen = choice)} />);
		const screen = await waitForText(app, 'Where will you push your image?');
		expect(screen).toContain('Docker Hub');
		expect(screen).toContain('A class registry');
		expect(screen).toContain('A practice registry on this computer');
		// The keys of the screen, on a line under the list.
		expect(screen).toMatch(/↑↓ choose\s+enter select\s+ctrl\+c quit\s*$/);
		await press(app, keys.enter);
		expect(chosen).toEqual({kind: 'hub'});
	});

	it('a class registry asks for its address and refuses a URL with the reason, then accepts host:port', async () => {
		let chosen: RegistryChoice | undefined;
		const app = render(<RegistryPicker onChoose={choice => (chosen = choice)} />);
		await waitForText(app, 'Where will you push');
		await press(app, keys.down, keys.enter);
		await waitForText(app, 'Address of the class registry');
		await type(app, 'https://registry.school.example:5000');
		await press(app, keys.enter);
		const refused = await waitForText(app, 'Leave out the https:// part');
		expect(refused).toMatch(/enter use this address\s+esc back to the list\s+ctrl\+c quit/);
		expect(chosen).toBeUndefined();
		await type(app, 'registry.school.example:5000');
		await press(app, keys.enter);
		expect(chosen).toEqual({kind: 'class', host: 'registry.school.example:5000'});
	});

	it('esc goes back from the address to the list', async () => {
		let chosen: RegistryChoice | undefined;
		const app = render(<RegistryPicker onChoose={choice => (chosen = choice)} />);
		await waitForText(app, 'Where will you push');
		await press(app, keys.down, keys.enter);
		await waitForText(app, 'Address of the class registry');
		await type(app, 'half-typed');
		await press(app, keys.escape);
		await waitForText(app, 'Where will you push');
		await press(app, keys.down, keys.down, keys.enter);
		expect(chosen).toEqual({kind: 'practice'});
	});

	it('the practice registry is the third choice', async () => {
		let chosen: RegistryChoice | undefined;
		const app = render(<RegistryPicker onChoose={choice => (chosen = choice)} />);
		await waitForText(app, 'Where will you push');
		await press(app, keys.down, keys.down, keys.enter);
		expect(chosen).toEqual({kind: 'practice'});
	});
});

describe('hostProblem', () => {
	it.each([
		['registry.school.example:5000', null],
		['127.0.0.1:5000', null],
		['[::1]:5000', null],
		['localhost', null],
		['', /Type the registry address/],
		['http://x:5000', /Leave out the http:\/\/ part: type only the host, like x:5000/],
		['x:5000/v2/', /without a path/],
		['my registry', /spaces/],
		['-bad-', /not a host name/],
	])('%j', (value, expected) => {
		const problem = hostProblem(value);
		if (expected === null) expect(problem).toBeNull();
		else expect(problem).toMatch(expected);
	});
});
