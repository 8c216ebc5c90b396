// One writer for tests and benches alike: it sits in bench/ because the build that compiles benches leaves test/ out.
export { xlsxFixture, type XlsxFixtureCell } from '../../bench/xlsx-fixture.bench-support.js';
