// Package analyze relates events to each other and prints them: it pairs
// netlink requests with their replies ([Conversation]), resolves user
// stacks to functions and source lines ([Symbolizer]), and turns each
// event into a [Record] that the text and JSON printers, sessions and
// exporters share.
package analyze
