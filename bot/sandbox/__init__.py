"""The local Slack sandbox: the bot's real Slack door driven from a browser page, with a
stand-in Web API (`slackapi/`) in place of slack.com and a database of its own."""
