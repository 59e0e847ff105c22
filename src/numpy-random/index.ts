/** numpy's legacy RandomState (seed, randn, randint) and array printing, for checking seeded outputs. */
export { MT19937, MT_N, MAX_LEGACY_SEED, assertLegacySeed } from './mt19937.js';
export { LegacyRandomState } from './random-state.js';
export {
  DEFAULT_PRINT_OPTIONS,
  type PrintOptions,
  formatFloatArray,
  formatFloat32Array,
  formatIntArray,
  parseNumpyArray,
} from './numpy-format.js';
export { type FloatKind, formatPositional, formatScientific } from './dragon4.js';
export {
  type Exercise7Expected,
  type ResolutionLabels,
  MAX_EXERCISE7_NORMALS,
  expectedExercise7,
  firstNormals,
  labelsByResolution,
  clearExercise7Cache,
} from './exercise7.js';
