import type { Decider } from '../../libs/programme/src/shared/decider.js';

/**
 * given(events) / when(command) / then(events), as emmett writes decider tests: the state is built only
 * from events, so a test says which facts exist, what was asked, and what became true (or why not).
 */
export function deciderSpec<State, Command, Event>(decider: Decider<State, Command, Event>) {
  return {
    given(events: Event[]) {
      return {
        when(command: Command) {
          const run = () => decider.decide(command, events.reduce(decider.evolve, decider.initialState()));
          return {
            then(expected: Event[]) {
              expect(run()).toEqual(expected);
            },
            thenThrows(errorClass: new (...args: never[]) => Error, message?: string | RegExp) {
              expect(run).toThrow(errorClass);
              if (message) expect(run).toThrow(message);
            },
          };
        },
      };
    },
  };
}
