import { defineErrorCodes } from '../common/error-codes.js';

export const StubsError = defineErrorCodes({
  HW_STUBS_OPTIONS: 'The firmware-stubs simulation options are invalid; the message names each bad option and its value.',
});
