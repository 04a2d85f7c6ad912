export const PROGRAM_VERSION = 'lockstep 0.1.0';
