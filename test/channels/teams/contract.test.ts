import { channelContract } from "../../contracts/channel-contract.js";
import { startTeams } from "./helpers.js";

channelContract({
  name: "teams",
  textLimit: 4000,
  // Teams waits about 15 s; the hub should answer far sooner.
  ackDeadlineMs: 5000,
  start: (options) => startTeams(options),
});
