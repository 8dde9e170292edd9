// Ink renders only a final frame when it thinks it runs in CI (is-in-ci reads CI at import).
// The component and console tests read intermediate frames, so they run Ink as on a terminal;
// CI itself still runs them (.ci/run sets CI=true for the job, not for Ink's frame logic).
process.env.CI = 'false';
process.env.CONTINUOUS_INTEGRATION = 'false';
