package nftables

import (
	"github.com/netexplore/netexplore/trace/decode/netlink"
	"github.com/netexplore/netexplore/trace/decode/render"

	"golang.org/x/sys/unix"
)

// The nfnetlink and nf_tables attribute sets, in the form tables
// generated from the kernel's netlink specs (Documentation/netlink/specs/
// nftables.yaml) take. Attributes are keyed by golang.org/x/sys/unix
// constants where it has them, by the kernel's number for newer ones; the
// names are the kernel's (linux/netfilter/nfnetlink.h, nf_tables.h,
// nf_tables_compat.h). All integers are in network byte order.

// batchAttrs are the NFNL_BATCH_* attributes.
var batchAttrs = netlink.AttrSet{Prefix: "NFNL_BATCH", Attrs: []netlink.AttrSpec{
	unix.NFNL_BATCH_GENID: {Name: "NFNL_BATCH_GENID", Type: netlink.BE32},
}}

// compatAttrs are the NFTA_COMPAT_* attributes.
var compatAttrs = netlink.AttrSet{Prefix: "NFTA_COMPAT", Attrs: []netlink.AttrSpec{
	unix.NFTA_COMPAT_NAME: {Name: "NFTA_COMPAT_NAME", Type: netlink.String},
	unix.NFTA_COMPAT_REV:  {Name: "NFTA_COMPAT_REV", Type: netlink.BE32},
	unix.NFTA_COMPAT_TYPE: {Name: "NFTA_COMPAT_TYPE", Type: netlink.BE32, Values: render.Enum{"match", "target"}},
}}

// hookDevsAttrs are the NFTA_DEVICE_* attributes.
var hookDevsAttrs = netlink.AttrSet{Prefix: "NFTA_DEVICE", Attrs: []netlink.AttrSpec{
	1: {Name: "NFTA_DEVICE_NAME", Type: netlink.String},
}}

// hookAttrs are the NFTA_HOOK_* attributes.
var hookAttrs = netlink.AttrSet{Prefix: "NFTA_HOOK", Attrs: []netlink.AttrSpec{
	unix.NFTA_HOOK_HOOKNUM:  {Name: "NFTA_HOOK_HOOKNUM", Type: netlink.Custom, Decode: hookNum},
	unix.NFTA_HOOK_PRIORITY: {Name: "NFTA_HOOK_PRIORITY", Type: netlink.S32 | netlink.BigEndian},
	unix.NFTA_HOOK_DEV:      {Name: "NFTA_HOOK_DEV", Type: netlink.String},
	4:                       {Name: "NFTA_HOOK_DEVS", Type: netlink.Nest, Nested: &hookDevsAttrs},
}, Value: hookValue}

// counterAttrs are the NFTA_COUNTER_* attributes.
var counterAttrs = netlink.AttrSet{Prefix: "NFTA_COUNTER", Attrs: []netlink.AttrSpec{
	unix.NFTA_COUNTER_BYTES:   {Name: "NFTA_COUNTER_BYTES", Type: netlink.BE64},
	unix.NFTA_COUNTER_PACKETS: {Name: "NFTA_COUNTER_PACKETS", Type: netlink.BE64},
	unix.NFTA_COUNTER_PAD:     {Name: "NFTA_COUNTER_PAD", Type: netlink.Binary},
}, Value: counterValue}

// tableAttrs are the NFTA_TABLE_* attributes.
var tableAttrs = netlink.AttrSet{Prefix: "NFTA_TABLE", Attrs: []netlink.AttrSpec{
	unix.NFTA_TABLE_NAME:  {Name: "NFTA_TABLE_NAME", Type: netlink.String},
	unix.NFTA_TABLE_FLAGS: {Name: "NFTA_TABLE_FLAGS", Type: netlink.BE32, Values: render.Bits("NFT_TABLE_F_DORMANT", "NFT_TABLE_F_OWNER", "NFT_TABLE_F_PERSIST")},
	unix.NFTA_TABLE_USE:   {Name: "NFTA_TABLE_USE", Type: netlink.BE32},
	4:                     {Name: "NFTA_TABLE_HANDLE", Type: netlink.BE64},
	5:                     {Name: "NFTA_TABLE_PAD", Type: netlink.Binary},
	6:                     {Name: "NFTA_TABLE_USERDATA", Type: netlink.Custom, Decode: userdataOf(tableUdata)},
	7:                     {Name: "NFTA_TABLE_OWNER", Type: netlink.BE32},
}}

// chainAttrs are the NFTA_CHAIN_* attributes.
var chainAttrs = netlink.AttrSet{Prefix: "NFTA_CHAIN", Attrs: []netlink.AttrSpec{
	unix.NFTA_CHAIN_TABLE:    {Name: "NFTA_CHAIN_TABLE", Type: netlink.String},
	unix.NFTA_CHAIN_HANDLE:   {Name: "NFTA_CHAIN_HANDLE", Type: netlink.BE64},
	unix.NFTA_CHAIN_NAME:     {Name: "NFTA_CHAIN_NAME", Type: netlink.String},
	unix.NFTA_CHAIN_HOOK:     {Name: "NFTA_CHAIN_HOOK", Type: netlink.Nest, Nested: &hookAttrs},
	unix.NFTA_CHAIN_POLICY:   {Name: "NFTA_CHAIN_POLICY", Type: netlink.BE32, Values: verdictName},
	unix.NFTA_CHAIN_USE:      {Name: "NFTA_CHAIN_USE", Type: netlink.BE32},
	unix.NFTA_CHAIN_TYPE:     {Name: "NFTA_CHAIN_TYPE", Type: netlink.String},
	unix.NFTA_CHAIN_COUNTERS: {Name: "NFTA_CHAIN_COUNTERS", Type: netlink.Nest, Nested: &counterAttrs},
	unix.NFTA_CHAIN_PAD:      {Name: "NFTA_CHAIN_PAD", Type: netlink.Binary},
	10:                       {Name: "NFTA_CHAIN_FLAGS", Type: netlink.BE32, Values: render.Bits("NFT_CHAIN_BASE", "NFT_CHAIN_HW_OFFLOAD", "NFT_CHAIN_BINDING")},
	11:                       {Name: "NFTA_CHAIN_ID", Type: netlink.BE32},
	12:                       {Name: "NFTA_CHAIN_USERDATA", Type: netlink.Custom, Decode: userdataOf(chainUdata)},
}}

// ruleCompatAttrs are the NFTA_RULE_COMPAT_* attributes.
var ruleCompatAttrs = netlink.AttrSet{Prefix: "NFTA_RULE_COMPAT", Attrs: []netlink.AttrSpec{
	unix.NFTA_RULE_COMPAT_PROTO: {Name: "NFTA_RULE_COMPAT_PROTO", Type: netlink.BE32},
	unix.NFTA_RULE_COMPAT_FLAGS: {Name: "NFTA_RULE_COMPAT_FLAGS", Type: netlink.BE32, Values: render.Bits("NFT_RULE_COMPAT_F_UNUSED", "NFT_RULE_COMPAT_F_INV")},
}}

// ruleAttrs are the NFTA_RULE_* attributes.
var ruleAttrs = netlink.AttrSet{Prefix: "NFTA_RULE", Attrs: []netlink.AttrSpec{
	unix.NFTA_RULE_TABLE:       {Name: "NFTA_RULE_TABLE", Type: netlink.String},
	unix.NFTA_RULE_CHAIN:       {Name: "NFTA_RULE_CHAIN", Type: netlink.String},
	unix.NFTA_RULE_HANDLE:      {Name: "NFTA_RULE_HANDLE", Type: netlink.BE64},
	unix.NFTA_RULE_EXPRESSIONS: {Name: "NFTA_RULE_EXPRESSIONS", Type: netlink.Custom, Decode: exprList},
	unix.NFTA_RULE_COMPAT:      {Name: "NFTA_RULE_COMPAT", Type: netlink.Nest, Nested: &ruleCompatAttrs},
	unix.NFTA_RULE_POSITION:    {Name: "NFTA_RULE_POSITION", Type: netlink.BE64},
	unix.NFTA_RULE_USERDATA:    {Name: "NFTA_RULE_USERDATA", Type: netlink.Custom, Decode: userdataOf(ruleUdata)},
	unix.NFTA_RULE_PAD:         {Name: "NFTA_RULE_PAD", Type: netlink.Binary},
	unix.NFTA_RULE_ID:          {Name: "NFTA_RULE_ID", Type: netlink.BE32},
	10:                         {Name: "NFTA_RULE_POSITION_ID", Type: netlink.BE32},
	11:                         {Name: "NFTA_RULE_CHAIN_ID", Type: netlink.BE32},
}}

// setFieldAttrs are the NFTA_SET_FIELD_* attributes.
var setFieldAttrs = netlink.AttrSet{Prefix: "NFTA_SET_FIELD", Attrs: []netlink.AttrSpec{
	1: {Name: "NFTA_SET_FIELD_LEN", Type: netlink.BE32},
}}

// setDescAttrs are the NFTA_SET_DESC_* attributes.
var setDescAttrs = netlink.AttrSet{Prefix: "NFTA_SET_DESC", Attrs: []netlink.AttrSpec{
	unix.NFTA_SET_DESC_SIZE: {Name: "NFTA_SET_DESC_SIZE", Type: netlink.BE32},
	2:                       {Name: "NFTA_SET_DESC_CONCAT", Type: netlink.Nest, Nested: &concatAttrs},
}}

// setAttrs are the NFTA_SET_* attributes.
var setAttrs = netlink.AttrSet{Prefix: "NFTA_SET", Attrs: []netlink.AttrSpec{
	unix.NFTA_SET_TABLE:       {Name: "NFTA_SET_TABLE", Type: netlink.String},
	unix.NFTA_SET_NAME:        {Name: "NFTA_SET_NAME", Type: netlink.String},
	unix.NFTA_SET_FLAGS:       {Name: "NFTA_SET_FLAGS", Type: netlink.BE32, Values: setFlags},
	unix.NFTA_SET_KEY_TYPE:    {Name: "NFTA_SET_KEY_TYPE", Type: netlink.BE32, Values: datatypeName},
	unix.NFTA_SET_KEY_LEN:     {Name: "NFTA_SET_KEY_LEN", Type: netlink.BE32},
	unix.NFTA_SET_DATA_TYPE:   {Name: "NFTA_SET_DATA_TYPE", Type: netlink.BE32, Values: datatypeName},
	unix.NFTA_SET_DATA_LEN:    {Name: "NFTA_SET_DATA_LEN", Type: netlink.BE32},
	unix.NFTA_SET_POLICY:      {Name: "NFTA_SET_POLICY", Type: netlink.BE32, Values: render.Enum{"NFT_SET_POL_PERFORMANCE", "NFT_SET_POL_MEMORY"}},
	unix.NFTA_SET_DESC:        {Name: "NFTA_SET_DESC", Type: netlink.Nest, Nested: &setDescAttrs},
	unix.NFTA_SET_ID:          {Name: "NFTA_SET_ID", Type: netlink.BE32},
	unix.NFTA_SET_TIMEOUT:     {Name: "NFTA_SET_TIMEOUT", Type: netlink.BE64},
	unix.NFTA_SET_GC_INTERVAL: {Name: "NFTA_SET_GC_INTERVAL", Type: netlink.BE32},
	unix.NFTA_SET_USERDATA:    {Name: "NFTA_SET_USERDATA", Type: netlink.Custom, Decode: userdataOf(setUdata)},
	unix.NFTA_SET_PAD:         {Name: "NFTA_SET_PAD", Type: netlink.Binary},
	unix.NFTA_SET_OBJ_TYPE:    {Name: "NFTA_SET_OBJ_TYPE", Type: netlink.BE32, Values: objectTypes},
	16:                        {Name: "NFTA_SET_HANDLE", Type: netlink.BE64},
	17:                        {Name: "NFTA_SET_EXPR", Type: netlink.Custom, Decode: expr},
	18:                        {Name: "NFTA_SET_EXPRESSIONS", Type: netlink.Custom, Decode: exprList},
	19:                        {Name: "NFTA_SET_TYPE", Type: netlink.Custom, Decode: setBackend},
	20:                        {Name: "NFTA_SET_COUNT", Type: netlink.BE32},
}}

// verdictAttrs are the NFTA_VERDICT_* attributes.
var verdictAttrs = netlink.AttrSet{Prefix: "NFTA_VERDICT", Attrs: []netlink.AttrSpec{
	unix.NFTA_VERDICT_CODE:  {Name: "NFTA_VERDICT_CODE", Type: netlink.BE32, Values: verdictName},
	unix.NFTA_VERDICT_CHAIN: {Name: "NFTA_VERDICT_CHAIN", Type: netlink.String},
	3:                       {Name: "NFTA_VERDICT_CHAIN_ID", Type: netlink.BE32},
}}

// setElemAttrs are the NFTA_SET_ELEM_* attributes.
var setElemAttrs = netlink.AttrSet{Prefix: "NFTA_SET_ELEM", Attrs: []netlink.AttrSpec{
	unix.NFTA_SET_ELEM_KEY:        {Name: "NFTA_SET_ELEM_KEY", Type: netlink.Custom, Decode: elemKey},
	unix.NFTA_SET_ELEM_DATA:       {Name: "NFTA_SET_ELEM_DATA", Type: netlink.Custom, Decode: elemData},
	unix.NFTA_SET_ELEM_FLAGS:      {Name: "NFTA_SET_ELEM_FLAGS", Type: netlink.BE32, Values: render.Bits("NFT_SET_ELEM_INTERVAL_END", "NFT_SET_ELEM_CATCHALL")},
	unix.NFTA_SET_ELEM_TIMEOUT:    {Name: "NFTA_SET_ELEM_TIMEOUT", Type: netlink.BE64},
	unix.NFTA_SET_ELEM_EXPIRATION: {Name: "NFTA_SET_ELEM_EXPIRATION", Type: netlink.BE64},
	unix.NFTA_SET_ELEM_USERDATA:   {Name: "NFTA_SET_ELEM_USERDATA", Type: netlink.Custom, Decode: userdataOf(setElemUdata)},
	unix.NFTA_SET_ELEM_EXPR:       {Name: "NFTA_SET_ELEM_EXPR", Type: netlink.Custom, Decode: expr},
	unix.NFTA_SET_ELEM_PAD:        {Name: "NFTA_SET_ELEM_PAD", Type: netlink.Binary},
	unix.NFTA_SET_ELEM_OBJREF:     {Name: "NFTA_SET_ELEM_OBJREF", Type: netlink.String},
	10:                            {Name: "NFTA_SET_ELEM_KEY_END", Type: netlink.Custom, Decode: elemKey},
	11:                            {Name: "NFTA_SET_ELEM_EXPRESSIONS", Type: netlink.Custom, Decode: exprList},
}, Value: setElemValue}

// setElemListAttrs are the NFTA_SET_ELEM_LIST_* attributes.
var setElemListAttrs = netlink.AttrSet{Prefix: "NFTA_SET_ELEM_LIST", Attrs: []netlink.AttrSpec{
	unix.NFTA_SET_ELEM_LIST_TABLE:    {Name: "NFTA_SET_ELEM_LIST_TABLE", Type: netlink.String},
	unix.NFTA_SET_ELEM_LIST_SET:      {Name: "NFTA_SET_ELEM_LIST_SET", Type: netlink.String},
	unix.NFTA_SET_ELEM_LIST_ELEMENTS: {Name: "NFTA_SET_ELEM_LIST_ELEMENTS", Type: netlink.NestArray, Elem: "NFTA_LIST_ELEM", Nested: &setElemAttrs},
	unix.NFTA_SET_ELEM_LIST_SET_ID:   {Name: "NFTA_SET_ELEM_LIST_SET_ID", Type: netlink.BE32},
}}

// genAttrs are the NFTA_GEN_* attributes.
var genAttrs = netlink.AttrSet{Prefix: "NFTA_GEN", Attrs: []netlink.AttrSpec{
	unix.NFTA_GEN_ID:        {Name: "NFTA_GEN_ID", Type: netlink.BE32},
	unix.NFTA_GEN_PROC_PID:  {Name: "NFTA_GEN_PROC_PID", Type: netlink.BE32},
	unix.NFTA_GEN_PROC_NAME: {Name: "NFTA_GEN_PROC_NAME", Type: netlink.String},
}}

// traceAttrs are the NFTA_TRACE_* attributes.
var traceAttrs = netlink.AttrSet{Prefix: "NFTA_TRACE", Attrs: []netlink.AttrSpec{
	unix.NFTA_TRACE_TABLE:            {Name: "NFTA_TRACE_TABLE", Type: netlink.String},
	unix.NFTA_TRACE_CHAIN:            {Name: "NFTA_TRACE_CHAIN", Type: netlink.String},
	unix.NFTA_TRACE_RULE_HANDLE:      {Name: "NFTA_TRACE_RULE_HANDLE", Type: netlink.BE64},
	unix.NFTA_TRACE_TYPE:             {Name: "NFTA_TRACE_TYPE", Type: netlink.BE32, Values: render.Enum{"NFT_TRACETYPE_UNSPEC", "NFT_TRACETYPE_POLICY", "NFT_TRACETYPE_RETURN", "NFT_TRACETYPE_RULE"}},
	unix.NFTA_TRACE_VERDICT:          {Name: "NFTA_TRACE_VERDICT", Type: netlink.Nest, Nested: &verdictAttrs},
	unix.NFTA_TRACE_ID:               {Name: "NFTA_TRACE_ID", Type: netlink.BE32, Values: render.HexInt},
	unix.NFTA_TRACE_LL_HEADER:        {Name: "NFTA_TRACE_LL_HEADER", Type: netlink.Binary},
	unix.NFTA_TRACE_NETWORK_HEADER:   {Name: "NFTA_TRACE_NETWORK_HEADER", Type: netlink.Binary},
	unix.NFTA_TRACE_TRANSPORT_HEADER: {Name: "NFTA_TRACE_TRANSPORT_HEADER", Type: netlink.Binary},
	unix.NFTA_TRACE_IIF:              {Name: "NFTA_TRACE_IIF", Type: netlink.BE32},
	unix.NFTA_TRACE_IIFTYPE:          {Name: "NFTA_TRACE_IIFTYPE", Type: netlink.BE16},
	unix.NFTA_TRACE_OIF:              {Name: "NFTA_TRACE_OIF", Type: netlink.BE32},
	unix.NFTA_TRACE_OIFTYPE:          {Name: "NFTA_TRACE_OIFTYPE", Type: netlink.BE16},
	unix.NFTA_TRACE_MARK:             {Name: "NFTA_TRACE_MARK", Type: netlink.BE32, Values: render.HexInt},
	unix.NFTA_TRACE_NFPROTO:          {Name: "NFTA_TRACE_NFPROTO", Type: netlink.BE32, Values: nfprotoNames},
	unix.NFTA_TRACE_POLICY:           {Name: "NFTA_TRACE_POLICY", Type: netlink.BE32, Values: verdictName},
	unix.NFTA_TRACE_PAD:              {Name: "NFTA_TRACE_PAD", Type: netlink.Binary},
}}

// objAttrs are the NFTA_OBJ_* attributes.
var objAttrs = netlink.AttrSet{Prefix: "NFTA_OBJ", Attrs: []netlink.AttrSpec{
	unix.NFTA_OBJ_TABLE: {Name: "NFTA_OBJ_TABLE", Type: netlink.String},
	unix.NFTA_OBJ_NAME:  {Name: "NFTA_OBJ_NAME", Type: netlink.String},
	unix.NFTA_OBJ_TYPE:  {Name: "NFTA_OBJ_TYPE", Type: netlink.BE32, Values: objectTypes},
	unix.NFTA_OBJ_DATA:  {Name: "NFTA_OBJ_DATA", Type: netlink.Custom, Decode: objData},
	unix.NFTA_OBJ_USE:   {Name: "NFTA_OBJ_USE", Type: netlink.BE32},
	6:                   {Name: "NFTA_OBJ_HANDLE", Type: netlink.BE64},
	7:                   {Name: "NFTA_OBJ_PAD", Type: netlink.Binary},
	8:                   {Name: "NFTA_OBJ_USERDATA", Type: netlink.Custom, Decode: userdataOf(objUdata)},
}}

// flowtableHookAttrs are the NFTA_FLOWTABLE_HOOK_* attributes.
var flowtableHookAttrs = netlink.AttrSet{Prefix: "NFTA_FLOWTABLE_HOOK", Attrs: []netlink.AttrSpec{
	1: {Name: "NFTA_FLOWTABLE_HOOK_NUM", Type: netlink.Custom, Decode: hookNum},
	2: {Name: "NFTA_FLOWTABLE_HOOK_PRIORITY", Type: netlink.S32 | netlink.BigEndian},
	3: {Name: "NFTA_FLOWTABLE_HOOK_DEVS", Type: netlink.Nest, Nested: &hookDevsAttrs},
}}

// flowtableAttrs are the NFTA_FLOWTABLE_* attributes.
var flowtableAttrs = netlink.AttrSet{Prefix: "NFTA_FLOWTABLE", Attrs: []netlink.AttrSpec{
	1: {Name: "NFTA_FLOWTABLE_TABLE", Type: netlink.String},
	2: {Name: "NFTA_FLOWTABLE_NAME", Type: netlink.String},
	3: {Name: "NFTA_FLOWTABLE_HOOK", Type: netlink.Nest, Nested: &flowtableHookAttrs},
	4: {Name: "NFTA_FLOWTABLE_USE", Type: netlink.BE32},
	5: {Name: "NFTA_FLOWTABLE_HANDLE", Type: netlink.BE64},
	6: {Name: "NFTA_FLOWTABLE_PAD", Type: netlink.Binary},
	7: {Name: "NFTA_FLOWTABLE_FLAGS", Type: netlink.BE32, Values: render.Bits("NFT_FLOWTABLE_HW_OFFLOAD", "NFT_FLOWTABLE_COUNTER")},
}}

// concatAttrs are the NFTA_LIST_ELEM entries of NFTA_SET_DESC_CONCAT.
var concatAttrs = netlink.AttrSet{Prefix: "NFTA_LIST", Attrs: []netlink.AttrSpec{
	unix.NFTA_LIST_ELEM: {Name: "NFTA_LIST_ELEM", Type: netlink.Nest, Nested: &setFieldAttrs},
}}

// Expression data (NFTA_EXPR_DATA), one attribute set per expression type.

// metaAttrs are the NFTA_META_* attributes.
var metaAttrs = netlink.AttrSet{Prefix: "NFTA_META", Attrs: []netlink.AttrSpec{
	unix.NFTA_META_DREG: {Name: "NFTA_META_DREG", Type: netlink.BE32, Values: regName},
	unix.NFTA_META_KEY:  {Name: "NFTA_META_KEY", Type: netlink.BE32, Values: metaKeyNames},
	unix.NFTA_META_SREG: {Name: "NFTA_META_SREG", Type: netlink.BE32, Values: regName},
}}

// cmpAttrs are the NFTA_CMP_* attributes.
var cmpAttrs = netlink.AttrSet{Prefix: "NFTA_CMP", Attrs: []netlink.AttrSpec{
	unix.NFTA_CMP_SREG: {Name: "NFTA_CMP_SREG", Type: netlink.BE32, Values: regName},
	unix.NFTA_CMP_OP:   {Name: "NFTA_CMP_OP", Type: netlink.BE32, Values: cmpOps},
	unix.NFTA_CMP_DATA: {Name: "NFTA_CMP_DATA", Type: netlink.Custom, Decode: data},
}}

// payloadAttrs are the NFTA_PAYLOAD_* attributes.
var payloadAttrs = netlink.AttrSet{Prefix: "NFTA_PAYLOAD", Attrs: []netlink.AttrSpec{
	unix.NFTA_PAYLOAD_DREG:        {Name: "NFTA_PAYLOAD_DREG", Type: netlink.BE32, Values: regName},
	unix.NFTA_PAYLOAD_BASE:        {Name: "NFTA_PAYLOAD_BASE", Type: netlink.BE32, Values: payloadBases},
	unix.NFTA_PAYLOAD_OFFSET:      {Name: "NFTA_PAYLOAD_OFFSET", Type: netlink.BE32},
	unix.NFTA_PAYLOAD_LEN:         {Name: "NFTA_PAYLOAD_LEN", Type: netlink.BE32},
	unix.NFTA_PAYLOAD_SREG:        {Name: "NFTA_PAYLOAD_SREG", Type: netlink.BE32, Values: regName},
	unix.NFTA_PAYLOAD_CSUM_TYPE:   {Name: "NFTA_PAYLOAD_CSUM_TYPE", Type: netlink.BE32, Values: render.Enum{"NFT_PAYLOAD_CSUM_NONE", "NFT_PAYLOAD_CSUM_INET", "NFT_PAYLOAD_CSUM_SCTP"}},
	unix.NFTA_PAYLOAD_CSUM_OFFSET: {Name: "NFTA_PAYLOAD_CSUM_OFFSET", Type: netlink.BE32},
	unix.NFTA_PAYLOAD_CSUM_FLAGS:  {Name: "NFTA_PAYLOAD_CSUM_FLAGS", Type: netlink.BE32, Values: render.Bits("NFT_PAYLOAD_L4CSUM_PSEUDOHDR")},
}}

// immediateAttrs are the NFTA_IMMEDIATE_* attributes.
var immediateAttrs = netlink.AttrSet{Prefix: "NFTA_IMMEDIATE", Attrs: []netlink.AttrSpec{
	unix.NFTA_IMMEDIATE_DREG: {Name: "NFTA_IMMEDIATE_DREG", Type: netlink.BE32, Values: regName},
	unix.NFTA_IMMEDIATE_DATA: {Name: "NFTA_IMMEDIATE_DATA", Type: netlink.Custom, Decode: data},
}}

// bitwiseAttrs are the NFTA_BITWISE_* attributes.
var bitwiseAttrs = netlink.AttrSet{Prefix: "NFTA_BITWISE", Attrs: []netlink.AttrSpec{
	unix.NFTA_BITWISE_SREG: {Name: "NFTA_BITWISE_SREG", Type: netlink.BE32, Values: regName},
	unix.NFTA_BITWISE_DREG: {Name: "NFTA_BITWISE_DREG", Type: netlink.BE32, Values: regName},
	unix.NFTA_BITWISE_LEN:  {Name: "NFTA_BITWISE_LEN", Type: netlink.BE32},
	unix.NFTA_BITWISE_MASK: {Name: "NFTA_BITWISE_MASK", Type: netlink.Custom, Decode: data},
	unix.NFTA_BITWISE_XOR:  {Name: "NFTA_BITWISE_XOR", Type: netlink.Custom, Decode: data},
	6:                      {Name: "NFTA_BITWISE_OP", Type: netlink.BE32, Values: render.Enum{"NFT_BITWISE_MASK_XOR", "NFT_BITWISE_LSHIFT", "NFT_BITWISE_RSHIFT", "NFT_BITWISE_AND", "NFT_BITWISE_OR", "NFT_BITWISE_XOR"}},
	7:                      {Name: "NFTA_BITWISE_DATA", Type: netlink.Custom, Decode: data},
	8:                      {Name: "NFTA_BITWISE_SREG2", Type: netlink.BE32, Values: regName},
}}

// lookupAttrs are the NFTA_LOOKUP_* attributes.
var lookupAttrs = netlink.AttrSet{Prefix: "NFTA_LOOKUP", Attrs: []netlink.AttrSpec{
	unix.NFTA_LOOKUP_SET:    {Name: "NFTA_LOOKUP_SET", Type: netlink.String},
	unix.NFTA_LOOKUP_SREG:   {Name: "NFTA_LOOKUP_SREG", Type: netlink.BE32, Values: regName},
	unix.NFTA_LOOKUP_DREG:   {Name: "NFTA_LOOKUP_DREG", Type: netlink.BE32, Values: regName},
	unix.NFTA_LOOKUP_SET_ID: {Name: "NFTA_LOOKUP_SET_ID", Type: netlink.BE32},
	unix.NFTA_LOOKUP_FLAGS:  {Name: "NFTA_LOOKUP_FLAGS", Type: netlink.BE32, Values: render.Bits("NFT_LOOKUP_F_INV")},
}}

// ctExprAttrs are the NFTA_CT_* attributes.
var ctExprAttrs = netlink.AttrSet{Prefix: "NFTA_CT", Attrs: []netlink.AttrSpec{
	unix.NFTA_CT_DREG:      {Name: "NFTA_CT_DREG", Type: netlink.BE32, Values: regName},
	unix.NFTA_CT_KEY:       {Name: "NFTA_CT_KEY", Type: netlink.BE32, Values: ctKeyNames},
	unix.NFTA_CT_DIRECTION: {Name: "NFTA_CT_DIRECTION", Type: netlink.U8, Values: render.Enum{"IP_CT_DIR_ORIGINAL", "IP_CT_DIR_REPLY"}},
	unix.NFTA_CT_SREG:      {Name: "NFTA_CT_SREG", Type: netlink.BE32, Values: regName},
}}

// natAttrs are the NFTA_NAT_* attributes.
var natAttrs = netlink.AttrSet{Prefix: "NFTA_NAT", Attrs: []netlink.AttrSpec{
	unix.NFTA_NAT_TYPE:          {Name: "NFTA_NAT_TYPE", Type: netlink.BE32, Values: render.Enum{"NFT_NAT_SNAT", "NFT_NAT_DNAT"}},
	unix.NFTA_NAT_FAMILY:        {Name: "NFTA_NAT_FAMILY", Type: netlink.BE32, Values: nfprotoNames},
	unix.NFTA_NAT_REG_ADDR_MIN:  {Name: "NFTA_NAT_REG_ADDR_MIN", Type: netlink.BE32, Values: regName},
	unix.NFTA_NAT_REG_ADDR_MAX:  {Name: "NFTA_NAT_REG_ADDR_MAX", Type: netlink.BE32, Values: regName},
	unix.NFTA_NAT_REG_PROTO_MIN: {Name: "NFTA_NAT_REG_PROTO_MIN", Type: netlink.BE32, Values: regName},
	unix.NFTA_NAT_REG_PROTO_MAX: {Name: "NFTA_NAT_REG_PROTO_MAX", Type: netlink.BE32, Values: regName},
	unix.NFTA_NAT_FLAGS:         {Name: "NFTA_NAT_FLAGS", Type: netlink.BE32, Values: natRangeFlags},
}}

// masqAttrs are the NFTA_MASQ_* attributes.
var masqAttrs = netlink.AttrSet{Prefix: "NFTA_MASQ", Attrs: []netlink.AttrSpec{
	unix.NFTA_MASQ_FLAGS:         {Name: "NFTA_MASQ_FLAGS", Type: netlink.BE32, Values: natRangeFlags},
	unix.NFTA_MASQ_REG_PROTO_MIN: {Name: "NFTA_MASQ_REG_PROTO_MIN", Type: netlink.BE32, Values: regName},
	unix.NFTA_MASQ_REG_PROTO_MAX: {Name: "NFTA_MASQ_REG_PROTO_MAX", Type: netlink.BE32, Values: regName},
}}

// redirAttrs are the NFTA_REDIR_* attributes.
var redirAttrs = netlink.AttrSet{Prefix: "NFTA_REDIR", Attrs: []netlink.AttrSpec{
	unix.NFTA_REDIR_REG_PROTO_MIN: {Name: "NFTA_REDIR_REG_PROTO_MIN", Type: netlink.BE32, Values: regName},
	unix.NFTA_REDIR_REG_PROTO_MAX: {Name: "NFTA_REDIR_REG_PROTO_MAX", Type: netlink.BE32, Values: regName},
	unix.NFTA_REDIR_FLAGS:         {Name: "NFTA_REDIR_FLAGS", Type: netlink.BE32, Values: natRangeFlags},
}}

// matchAttrs are the NFTA_MATCH_* attributes.
var matchAttrs = netlink.AttrSet{Prefix: "NFTA_MATCH", Attrs: []netlink.AttrSpec{
	unix.NFTA_MATCH_NAME: {Name: "NFTA_MATCH_NAME", Type: netlink.String},
	unix.NFTA_MATCH_REV:  {Name: "NFTA_MATCH_REV", Type: netlink.BE32},
	unix.NFTA_MATCH_INFO: {Name: "NFTA_MATCH_INFO", Type: netlink.Custom, Decode: matchInfo},
}}

// targetAttrs are the NFTA_TARGET_* attributes.
var targetAttrs = netlink.AttrSet{Prefix: "NFTA_TARGET", Attrs: []netlink.AttrSpec{
	unix.NFTA_TARGET_NAME: {Name: "NFTA_TARGET_NAME", Type: netlink.String},
	unix.NFTA_TARGET_REV:  {Name: "NFTA_TARGET_REV", Type: netlink.BE32},
	unix.NFTA_TARGET_INFO: {Name: "NFTA_TARGET_INFO", Type: netlink.Custom, Decode: targetInfo},
}}

// logAttrs are the NFTA_LOG_* attributes.
var logAttrs = netlink.AttrSet{Prefix: "NFTA_LOG", Attrs: []netlink.AttrSpec{
	unix.NFTA_LOG_GROUP:      {Name: "NFTA_LOG_GROUP", Type: netlink.BE16},
	unix.NFTA_LOG_PREFIX:     {Name: "NFTA_LOG_PREFIX", Type: netlink.String},
	unix.NFTA_LOG_SNAPLEN:    {Name: "NFTA_LOG_SNAPLEN", Type: netlink.BE32},
	unix.NFTA_LOG_QTHRESHOLD: {Name: "NFTA_LOG_QTHRESHOLD", Type: netlink.BE16},
	unix.NFTA_LOG_LEVEL:      {Name: "NFTA_LOG_LEVEL", Type: netlink.BE32, Values: logLevels},
	unix.NFTA_LOG_FLAGS:      {Name: "NFTA_LOG_FLAGS", Type: netlink.BE32, Values: render.Bits("NF_LOG_TCPSEQ", "NF_LOG_TCPOPT", "NF_LOG_IPOPT", "NF_LOG_UID", "NF_LOG_NFLOG", "NF_LOG_MACDECODE")},
}}

// limitAttrs are the NFTA_LIMIT_* attributes.
var limitAttrs = netlink.AttrSet{Prefix: "NFTA_LIMIT", Attrs: []netlink.AttrSpec{
	unix.NFTA_LIMIT_RATE:  {Name: "NFTA_LIMIT_RATE", Type: netlink.BE64},
	unix.NFTA_LIMIT_UNIT:  {Name: "NFTA_LIMIT_UNIT", Type: netlink.BE64},
	unix.NFTA_LIMIT_BURST: {Name: "NFTA_LIMIT_BURST", Type: netlink.BE32},
	unix.NFTA_LIMIT_TYPE:  {Name: "NFTA_LIMIT_TYPE", Type: netlink.BE32, Values: render.Enum{"NFT_LIMIT_PKTS", "NFT_LIMIT_PKT_BYTES"}},
	unix.NFTA_LIMIT_FLAGS: {Name: "NFTA_LIMIT_FLAGS", Type: netlink.BE32, Values: render.Bits("NFT_LIMIT_F_INV")},
	unix.NFTA_LIMIT_PAD:   {Name: "NFTA_LIMIT_PAD", Type: netlink.Binary},
}}

// rejectAttrs are the NFTA_REJECT_* attributes.
var rejectAttrs = netlink.AttrSet{Prefix: "NFTA_REJECT", Attrs: []netlink.AttrSpec{
	unix.NFTA_REJECT_TYPE:      {Name: "NFTA_REJECT_TYPE", Type: netlink.BE32, Values: rejectTypes},
	unix.NFTA_REJECT_ICMP_CODE: {Name: "NFTA_REJECT_ICMP_CODE", Type: netlink.U8},
}}

// fibAttrs are the NFTA_FIB_* attributes.
var fibAttrs = netlink.AttrSet{Prefix: "NFTA_FIB", Attrs: []netlink.AttrSpec{
	unix.NFTA_FIB_DREG:   {Name: "NFTA_FIB_DREG", Type: netlink.BE32, Values: regName},
	unix.NFTA_FIB_RESULT: {Name: "NFTA_FIB_RESULT", Type: netlink.BE32, Values: fibResults},
	unix.NFTA_FIB_FLAGS:  {Name: "NFTA_FIB_FLAGS", Type: netlink.BE32, Values: fibFlags},
}}

// rangeAttrs are the NFTA_RANGE_* attributes.
var rangeAttrs = netlink.AttrSet{Prefix: "NFTA_RANGE", Attrs: []netlink.AttrSpec{
	unix.NFTA_RANGE_SREG:      {Name: "NFTA_RANGE_SREG", Type: netlink.BE32, Values: regName},
	unix.NFTA_RANGE_OP:        {Name: "NFTA_RANGE_OP", Type: netlink.BE32, Values: render.Enum{"NFT_RANGE_EQ", "NFT_RANGE_NEQ"}},
	unix.NFTA_RANGE_FROM_DATA: {Name: "NFTA_RANGE_FROM_DATA", Type: netlink.Custom, Decode: data},
	unix.NFTA_RANGE_TO_DATA:   {Name: "NFTA_RANGE_TO_DATA", Type: netlink.Custom, Decode: data},
}}

// dynsetAttrs are the NFTA_DYNSET_* attributes.
var dynsetAttrs = netlink.AttrSet{Prefix: "NFTA_DYNSET", Attrs: []netlink.AttrSpec{
	unix.NFTA_DYNSET_SET_NAME:  {Name: "NFTA_DYNSET_SET_NAME", Type: netlink.String},
	unix.NFTA_DYNSET_SET_ID:    {Name: "NFTA_DYNSET_SET_ID", Type: netlink.BE32},
	unix.NFTA_DYNSET_OP:        {Name: "NFTA_DYNSET_OP", Type: netlink.BE32, Values: render.Enum{"NFT_DYNSET_OP_ADD", "NFT_DYNSET_OP_UPDATE", "NFT_DYNSET_OP_DELETE"}},
	unix.NFTA_DYNSET_SREG_KEY:  {Name: "NFTA_DYNSET_SREG_KEY", Type: netlink.BE32, Values: regName},
	unix.NFTA_DYNSET_SREG_DATA: {Name: "NFTA_DYNSET_SREG_DATA", Type: netlink.BE32, Values: regName},
	unix.NFTA_DYNSET_TIMEOUT:   {Name: "NFTA_DYNSET_TIMEOUT", Type: netlink.BE64},
	unix.NFTA_DYNSET_EXPR:      {Name: "NFTA_DYNSET_EXPR", Type: netlink.Custom, Decode: expr},
	unix.NFTA_DYNSET_PAD:       {Name: "NFTA_DYNSET_PAD", Type: netlink.Binary},
	unix.NFTA_DYNSET_FLAGS:     {Name: "NFTA_DYNSET_FLAGS", Type: netlink.BE32, Values: render.Bits("NFT_DYNSET_F_INV", "NFT_DYNSET_F_EXPR")},
	10:                         {Name: "NFTA_DYNSET_EXPRESSIONS", Type: netlink.Custom, Decode: exprList},
}}

// byteorderAttrs are the NFTA_BYTEORDER_* attributes.
var byteorderAttrs = netlink.AttrSet{Prefix: "NFTA_BYTEORDER", Attrs: []netlink.AttrSpec{
	unix.NFTA_BYTEORDER_SREG: {Name: "NFTA_BYTEORDER_SREG", Type: netlink.BE32, Values: regName},
	unix.NFTA_BYTEORDER_DREG: {Name: "NFTA_BYTEORDER_DREG", Type: netlink.BE32, Values: regName},
	unix.NFTA_BYTEORDER_OP:   {Name: "NFTA_BYTEORDER_OP", Type: netlink.BE32, Values: render.Enum{"NFT_BYTEORDER_NTOH", "NFT_BYTEORDER_HTON"}},
	unix.NFTA_BYTEORDER_LEN:  {Name: "NFTA_BYTEORDER_LEN", Type: netlink.BE32},
	unix.NFTA_BYTEORDER_SIZE: {Name: "NFTA_BYTEORDER_SIZE", Type: netlink.BE32},
}}

// exthdrAttrs are the NFTA_EXTHDR_* attributes.
var exthdrAttrs = netlink.AttrSet{Prefix: "NFTA_EXTHDR", Attrs: []netlink.AttrSpec{
	unix.NFTA_EXTHDR_DREG:   {Name: "NFTA_EXTHDR_DREG", Type: netlink.BE32, Values: regName},
	unix.NFTA_EXTHDR_TYPE:   {Name: "NFTA_EXTHDR_TYPE", Type: netlink.U8},
	unix.NFTA_EXTHDR_OFFSET: {Name: "NFTA_EXTHDR_OFFSET", Type: netlink.BE32},
	unix.NFTA_EXTHDR_LEN:    {Name: "NFTA_EXTHDR_LEN", Type: netlink.BE32},
	unix.NFTA_EXTHDR_FLAGS:  {Name: "NFTA_EXTHDR_FLAGS", Type: netlink.BE32, Values: render.Bits("NFT_EXTHDR_F_PRESENT")},
	unix.NFTA_EXTHDR_OP:     {Name: "NFTA_EXTHDR_OP", Type: netlink.BE32, Values: render.Enum{"NFT_EXTHDR_OP_IPV6", "NFT_EXTHDR_OP_TCPOPT", "NFT_EXTHDR_OP_IPV4", "NFT_EXTHDR_OP_SCTP", "NFT_EXTHDR_OP_DCCP"}},
	unix.NFTA_EXTHDR_SREG:   {Name: "NFTA_EXTHDR_SREG", Type: netlink.BE32, Values: regName},
}}

// quotaAttrs are the NFTA_QUOTA_* attributes.
var quotaAttrs = netlink.AttrSet{Prefix: "NFTA_QUOTA", Attrs: []netlink.AttrSpec{
	unix.NFTA_QUOTA_BYTES:    {Name: "NFTA_QUOTA_BYTES", Type: netlink.BE64},
	unix.NFTA_QUOTA_FLAGS:    {Name: "NFTA_QUOTA_FLAGS", Type: netlink.BE32, Values: render.Bits("NFT_QUOTA_F_INV", "NFT_QUOTA_F_DEPLETED")},
	unix.NFTA_QUOTA_PAD:      {Name: "NFTA_QUOTA_PAD", Type: netlink.Binary},
	unix.NFTA_QUOTA_CONSUMED: {Name: "NFTA_QUOTA_CONSUMED", Type: netlink.BE64},
}}

// connlimitAttrs are the NFTA_CONNLIMIT_* attributes.
var connlimitAttrs = netlink.AttrSet{Prefix: "NFTA_CONNLIMIT", Attrs: []netlink.AttrSpec{
	1: {Name: "NFTA_CONNLIMIT_COUNT", Type: netlink.BE32},
	2: {Name: "NFTA_CONNLIMIT_FLAGS", Type: netlink.BE32, Values: render.Bits("NFT_CONNLIMIT_F_INV")},
}}

// objrefAttrs are the NFTA_OBJREF_* attributes.
var objrefAttrs = netlink.AttrSet{Prefix: "NFTA_OBJREF", Attrs: []netlink.AttrSpec{
	unix.NFTA_OBJREF_IMM_TYPE: {Name: "NFTA_OBJREF_IMM_TYPE", Type: netlink.BE32, Values: objectTypes},
	unix.NFTA_OBJREF_IMM_NAME: {Name: "NFTA_OBJREF_IMM_NAME", Type: netlink.String},
	unix.NFTA_OBJREF_SET_SREG: {Name: "NFTA_OBJREF_SET_SREG", Type: netlink.BE32, Values: regName},
	unix.NFTA_OBJREF_SET_NAME: {Name: "NFTA_OBJREF_SET_NAME", Type: netlink.String},
	unix.NFTA_OBJREF_SET_ID:   {Name: "NFTA_OBJREF_SET_ID", Type: netlink.BE32},
}}

// queueAttrs are the NFTA_QUEUE_* attributes.
var queueAttrs = netlink.AttrSet{Prefix: "NFTA_QUEUE", Attrs: []netlink.AttrSpec{
	unix.NFTA_QUEUE_NUM:       {Name: "NFTA_QUEUE_NUM", Type: netlink.BE16},
	unix.NFTA_QUEUE_TOTAL:     {Name: "NFTA_QUEUE_TOTAL", Type: netlink.BE16},
	unix.NFTA_QUEUE_FLAGS:     {Name: "NFTA_QUEUE_FLAGS", Type: netlink.BE16, Values: render.Bits("NFT_QUEUE_FLAG_BYPASS", "NFT_QUEUE_FLAG_CPU_FANOUT")},
	unix.NFTA_QUEUE_SREG_QNUM: {Name: "NFTA_QUEUE_SREG_QNUM", Type: netlink.BE32, Values: regName},
}}

// rtAttrs are the NFTA_RT_* attributes.
var rtAttrs = netlink.AttrSet{Prefix: "NFTA_RT", Attrs: []netlink.AttrSpec{
	unix.NFTA_RT_DREG: {Name: "NFTA_RT_DREG", Type: netlink.BE32, Values: regName},
	unix.NFTA_RT_KEY:  {Name: "NFTA_RT_KEY", Type: netlink.BE32, Values: render.Enum{"NFT_RT_CLASSID", "NFT_RT_NEXTHOP4", "NFT_RT_NEXTHOP6", "NFT_RT_TCPMSS", "NFT_RT_XFRM"}},
}}

// socketAttrs are the NFTA_SOCKET_* attributes.
var socketAttrs = netlink.AttrSet{Prefix: "NFTA_SOCKET", Attrs: []netlink.AttrSpec{
	1: {Name: "NFTA_SOCKET_KEY", Type: netlink.BE32, Values: render.Enum{"NFT_SOCKET_TRANSPARENT", "NFT_SOCKET_MARK", "NFT_SOCKET_WILDCARD", "NFT_SOCKET_CGROUPV2"}},
	2: {Name: "NFTA_SOCKET_DREG", Type: netlink.BE32, Values: regName},
	3: {Name: "NFTA_SOCKET_LEVEL", Type: netlink.BE32},
}}

// numgenAttrs are the NFTA_NG_* attributes.
var numgenAttrs = netlink.AttrSet{Prefix: "NFTA_NG", Attrs: []netlink.AttrSpec{
	unix.NFTA_NG_DREG:    {Name: "NFTA_NG_DREG", Type: netlink.BE32, Values: regName},
	unix.NFTA_NG_MODULUS: {Name: "NFTA_NG_MODULUS", Type: netlink.BE32},
	unix.NFTA_NG_TYPE:    {Name: "NFTA_NG_TYPE", Type: netlink.BE32, Values: render.Enum{"NFT_NG_INCREMENTAL", "NFT_NG_RANDOM"}},
	unix.NFTA_NG_OFFSET:  {Name: "NFTA_NG_OFFSET", Type: netlink.BE32},
}}

// hashAttrs are the NFTA_HASH_* attributes.
var hashAttrs = netlink.AttrSet{Prefix: "NFTA_HASH", Attrs: []netlink.AttrSpec{
	unix.NFTA_HASH_SREG:    {Name: "NFTA_HASH_SREG", Type: netlink.BE32, Values: regName},
	unix.NFTA_HASH_DREG:    {Name: "NFTA_HASH_DREG", Type: netlink.BE32, Values: regName},
	unix.NFTA_HASH_LEN:     {Name: "NFTA_HASH_LEN", Type: netlink.BE32},
	unix.NFTA_HASH_MODULUS: {Name: "NFTA_HASH_MODULUS", Type: netlink.BE32},
	unix.NFTA_HASH_SEED:    {Name: "NFTA_HASH_SEED", Type: netlink.BE32, Values: render.HexInt},
	unix.NFTA_HASH_OFFSET:  {Name: "NFTA_HASH_OFFSET", Type: netlink.BE32},
	unix.NFTA_HASH_TYPE:    {Name: "NFTA_HASH_TYPE", Type: netlink.BE32, Values: render.Enum{"NFT_HASH_JENKINS", "NFT_HASH_SYM"}},
}}

// lastAttrs are the NFTA_LAST_* attributes.
var lastAttrs = netlink.AttrSet{Prefix: "NFTA_LAST", Attrs: []netlink.AttrSpec{
	1: {Name: "NFTA_LAST_SET", Type: netlink.BE32},
	2: {Name: "NFTA_LAST_MSECS", Type: netlink.BE64},
	3: {Name: "NFTA_LAST_PAD", Type: netlink.Binary},
}}

// flowOffloadAttrs are the NFTA_FLOW_TABLE_* attributes.
var flowOffloadAttrs = netlink.AttrSet{Prefix: "NFTA_FLOW_TABLE", Attrs: []netlink.AttrSpec{
	1: {Name: "NFTA_FLOW_TABLE_NAME", Type: netlink.String},
}}

// dupAttrs are the NFTA_DUP_SREG_* attributes.
var dupAttrs = netlink.AttrSet{Prefix: "NFTA_DUP_SREG", Attrs: []netlink.AttrSpec{
	unix.NFTA_DUP_SREG_ADDR: {Name: "NFTA_DUP_SREG_ADDR", Type: netlink.BE32, Values: regName},
	unix.NFTA_DUP_SREG_DEV:  {Name: "NFTA_DUP_SREG_DEV", Type: netlink.BE32, Values: regName},
}}

// fwdAttrs are the NFTA_FWD_* attributes.
var fwdAttrs = netlink.AttrSet{Prefix: "NFTA_FWD", Attrs: []netlink.AttrSpec{
	unix.NFTA_FWD_SREG_DEV: {Name: "NFTA_FWD_SREG_DEV", Type: netlink.BE32, Values: regName},
	2:                      {Name: "NFTA_FWD_SREG_ADDR", Type: netlink.BE32, Values: regName},
	3:                      {Name: "NFTA_FWD_NFPROTO", Type: netlink.BE32, Values: nfprotoNames},
}}

// synproxyAttrs are the NFTA_SYNPROXY_* attributes.
var synproxyAttrs = netlink.AttrSet{Prefix: "NFTA_SYNPROXY", Attrs: []netlink.AttrSpec{
	1: {Name: "NFTA_SYNPROXY_MSS", Type: netlink.BE16},
	2: {Name: "NFTA_SYNPROXY_WSCALE", Type: netlink.U8},
	3: {Name: "NFTA_SYNPROXY_FLAGS", Type: netlink.BE32, Values: render.HexInt},
}}

// tproxyAttrs are the NFTA_TPROXY_* attributes.
var tproxyAttrs = netlink.AttrSet{Prefix: "NFTA_TPROXY", Attrs: []netlink.AttrSpec{
	1: {Name: "NFTA_TPROXY_FAMILY", Type: netlink.BE32, Values: nfprotoNames},
	2: {Name: "NFTA_TPROXY_REG_ADDR", Type: netlink.BE32, Values: regName},
	3: {Name: "NFTA_TPROXY_REG_PORT", Type: netlink.BE32, Values: regName},
}}

// notrackAttrs are the attributes of the notrack expression: it has none.
var notrackAttrs = netlink.AttrSet{}
