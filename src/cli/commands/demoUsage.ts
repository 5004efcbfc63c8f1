// What `--help` prints for the command: apart from its code, so `streamtally --help`
// loads no command (src/cli/main.ts loads each one when it runs).
import { DEFAULT_DASHBOARD_PORT } from './dashboardUsage';

export const demoUsage = `streamtally demo [--duration S] [--rate EV/S] [--seed N] [--dashboard-port N] [--json]   (npm start)
  Starts the local stack and the web dashboard (docs/dashboard.md; --dashboard-port, default
  ${DEFAULT_DASHBOARD_PORT}, 0 picks a free one), sends a realistic synthetic mix (Zipf keys, several types, producer duplicates,
  malformed, late and future events) and shows it flowing; ends with a summary that checks that every
  record sent was aggregated, dropped as a duplicate or quarantined, with the declared measures of each
  total's busiest minute and the data alerts' states (npm start synthesizes config/demo.json). Exits non-zero if not.`;
