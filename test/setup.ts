// React's act() is used to wait for frames in UI tests; tell React this is a test environment.
(globalThis as {IS_REACT_ACT_ENVIRONMENT?: boolean}).IS_REACT_ACT_ENVIRONMENT = true;

// The app's state changes when real processes and servers answer (docker, the registry),
// which no act() can wrap; React's "not wrapped in act(...)" warning for those is expected noise.
const consoleError = console.error.bind(console);
console.error = (...args: unknown[]) => {
	if (typeof args[0] === 'string' && args[0].includes('was not wrapped in act(')) return;
	consoleError(...args);
};
