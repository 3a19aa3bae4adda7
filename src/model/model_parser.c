/* model_parser.c — statements and expressions of the model language (see
 * model_parser.h and docs/model.md for the grammar). */
#include "model/model_parser.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "util/growable.h"
#include "model/model_lexer.h"
#include "util/strbuf.h"

/* Deeper nesting than this is surely a mistake, and bounding it bounds the
 * parser's recursion. */
#define PARSER_MAX_DEPTH 200
/* Bounds on the size of a model, so that a deck `cubie check` accepts is a
 * deck whose kernel the C compiler builds in minutes, not hours (the host
 * compiler needs about 2.5 ms per operation): operations (operators and
 * function applications as written) per definition and in all, and
 * arguments per call. docs/model.md lists them. */
#define PARSER_MAX_ARGUMENTS 1000
#define PARSER_MAX_TERMS 10000
#define PARSER_MAX_MODEL_TERMS 100000

/* How a function name is written and what it becomes. */
typedef enum function_form {
  FUNCTION_PLAIN = 0, /* fixed arity: one graph op */
  FUNCTION_FOLD,      /* min/max: two or more arguments, folded left */
  FUNCTION_PIECEWISE  /* c1, v1, c2, v2, ..., default: nested SELECTs */
} function_form;

typedef struct function_info {
  const char *name;
  cubie_expr_op op;
  int arity; /* FUNCTION_PLAIN: exact; FUNCTION_FOLD: minimum */
  function_form form;
} function_info;

// clang-format off
static const function_info functions[] = {
    {"sin", CUBIE_EXPR_SIN, 1, FUNCTION_PLAIN},       {"cos", CUBIE_EXPR_COS, 1, FUNCTION_PLAIN},
    {"tan", CUBIE_EXPR_TAN, 1, FUNCTION_PLAIN},       {"asin", CUBIE_EXPR_ASIN, 1, FUNCTION_PLAIN},
    {"acos", CUBIE_EXPR_ACOS, 1, FUNCTION_PLAIN},     {"atan", CUBIE_EXPR_ATAN, 1, FUNCTION_PLAIN},
    {"atan2", CUBIE_EXPR_ATAN2, 2, FUNCTION_PLAIN},   {"sinh", CUBIE_EXPR_SINH, 1, FUNCTION_PLAIN},
    {"cosh", CUBIE_EXPR_COSH, 1, FUNCTION_PLAIN},     {"tanh", CUBIE_EXPR_TANH, 1, FUNCTION_PLAIN},
    {"exp", CUBIE_EXPR_EXP, 1, FUNCTION_PLAIN},       {"log", CUBIE_EXPR_LOG, 1, FUNCTION_PLAIN},
    {"log10", CUBIE_EXPR_LOG10, 1, FUNCTION_PLAIN},   {"sqrt", CUBIE_EXPR_SQRT, 1, FUNCTION_PLAIN},
    {"cbrt", CUBIE_EXPR_CBRT, 1, FUNCTION_PLAIN},     {"pow", CUBIE_EXPR_POW, 2, FUNCTION_PLAIN},
    {"abs", CUBIE_EXPR_ABS, 1, FUNCTION_PLAIN},       {"fabs", CUBIE_EXPR_ABS, 1, FUNCTION_PLAIN},
    {"min", CUBIE_EXPR_MIN, 2, FUNCTION_FOLD},        {"max", CUBIE_EXPR_MAX, 2, FUNCTION_FOLD},
    {"floor", CUBIE_EXPR_FLOOR, 1, FUNCTION_PLAIN},   {"ceil", CUBIE_EXPR_CEIL, 1, FUNCTION_PLAIN},
    {"sign", CUBIE_EXPR_SIGN, 1, FUNCTION_PLAIN},     {"ifelse", CUBIE_EXPR_SELECT, 3, FUNCTION_PLAIN},
    {"piecewise", CUBIE_EXPR_SELECT, 3, FUNCTION_PIECEWISE},
};
// clang-format on
#define N_FUNCTIONS ((int)(sizeof functions / sizeof functions[0]))

/* One statement: tokens [first, end), and what pass 1 learnt about it. */
typedef struct statement {
  int first, end;
  int def;                         /* its definition, or -1 */
  int duplicate_of;                /* the earlier definition of the same name, or -1 */
  int input; /* entry (index into the symbol table, which may grow) of the
               * state/parameter/constant/t it assigns to, or -1 */
} statement;

typedef struct parser {
  const cubie_config *cfg;
  cubie_symtab *symbols;
  cubie_model_parse *out;
  cubie_token *tokens;
  int n_tokens;
  int pos;      /* current token */
  int end;      /* end of the current statement */
  int depth;    /* nesting, against PARSER_MAX_DEPTH */
  int terms;    /* operations of the current definition, against PARSER_MAX_TERMS */
  long long model_terms; /* ... and of all of them, against PARSER_MAX_MODEL_TERMS */
  int n_marked; /* node_marks filled for nodes [0, n_marked) */
  size_t marks_capacity;
  const cubie_mark *base; /* a lone expression's deck position (NULL: the equations) */
} parser;

static cubie_mark token_mark(const parser *P, const cubie_token *tok) {
  if (P->base) { /* a deck scalar: its first line continues the key's line */
    cubie_mark m = *P->base;
    if (m.line == 0) return m;
    if (tok->line > 1) {
      m.line += tok->line - 1;
      m.column = tok->column;
    } else {
      m.column += tok->column - 1;
    }
    return m;
  }
  return cubie_config_equation_mark(P->cfg, tok->line, tok->column);
}

static int parse_error(const parser *P, const cubie_token *tok, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int parse_error(const parser *P, const cubie_token *tok, const char *fmt, ...) {
  char message[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(message, sizeof message, fmt, ap);
  va_end(ap);
  return cubie_config_error_at(P->cfg, token_mark(P, tok), "%s", message);
}

/* "'dy'", "end of line", "end of the equations": what the parser found. */
static void describe(const cubie_token *tok, char *buf, size_t size) {
  if (tok->kind == CUBIE_TOK_NEWLINE)
    snprintf(buf, size, "end of line");
  else if (tok->kind == CUBIE_TOK_END)
    snprintf(buf, size, "end of the equations");
  else
    snprintf(buf, size, "'%.*s'", tok->length > 40 ? 40 : tok->length, tok->text);
}

/* The token at the parser's position; the statement's end reads as its
 * terminator (newline or end of text). */
static const cubie_token *peek(const parser *P) {
  return &P->tokens[P->pos < P->end ? P->pos : P->end];
}

/* Record the deck position of nodes created since the last call. */
static int mark_new_nodes(parser *P, const cubie_token *tok) {
  int n = P->out->graph->n_nodes;
  CUBIE_CALL(CUBIE_GROW(P->out->node_marks, n, P->marks_capacity, "the equations' positions"));
  for (; P->n_marked < n; P->n_marked++) P->out->node_marks[P->n_marked] = token_mark(P, tok);
  return CUBIE_OK;
}

static int build(parser *P, const cubie_token *at, cubie_expr_op op, const int *children, int *id) {
  if (++P->terms > PARSER_MAX_TERMS)
    return parse_error(P, at,
                       "this definition has more than %d operations (the most one definition may "
                       "have, so the kernel compiles in reasonable time; see docs/model.md)",
                       PARSER_MAX_TERMS);
  if (++P->model_terms > PARSER_MAX_MODEL_TERMS)
    return parse_error(P, at,
                       "the equations have more than %d operations in all (the most a model may "
                       "have, so the kernel compiles in reasonable time; see docs/model.md)",
                       PARSER_MAX_MODEL_TERMS);
  CUBIE_CALL(cubie_expr_graph_apply(P->out->graph, op, children, id));
  return mark_new_nodes(P, at);
}

static int report_bad_token(const parser *P, const cubie_token *tok) {
  switch (tok->problem) {
    case CUBIE_TOKEN_BAD_NUMBER:
      return parse_error(P, tok, "malformed number '%.*s'", tok->length, tok->text);
    case CUBIE_TOKEN_NUMBER_RANGE:
      return parse_error(P, tok, "number '%.*s' is out of range", tok->length, tok->text);
    case CUBIE_TOKEN_LONE_AMPERSAND:
      return parse_error(P, tok, "unexpected '&' (did you mean '&&'?)");
    case CUBIE_TOKEN_LONE_BAR: return parse_error(P, tok, "unexpected '|' (did you mean '||'?)");
    default: return parse_error(P, tok, "unexpected character '%.*s'", tok->length, tok->text);
  }
}

/* An expression was needed at the current token and is not there. */
static int expected_expression(const parser *P) {
  const cubie_token *tok = peek(P);
  if (tok->kind == CUBIE_TOK_BAD) return report_bad_token(P, tok);
  char found[64];
  describe(tok, found, sizeof found);
  const cubie_token *prev = &P->tokens[P->pos - 1];
  return parse_error(P, tok, "expected an expression after '%.*s', found %s", prev->length,
                     prev->text, found);
}

static int parse_expression(parser *P, int *id);
static int parse_unary(parser *P, int *id);

static int enter(parser *P) {
  if (++P->depth > PARSER_MAX_DEPTH)
    return parse_error(P, peek(P), "expression nested too deeply (more than %d levels)",
                       PARSER_MAX_DEPTH);
  return CUBIE_OK;
}

static const function_info *find_function(const cubie_token *tok) {
  for (int i = 0; i < N_FUNCTIONS; i++)
    if ((int)strlen(functions[i].name) == tok->length &&
        strncmp(functions[i].name, tok->text, (size_t)tok->length) == 0)
      return &functions[i];
  return NULL;
}

static const char *kind_word(cubie_symbol_kind kind) {
  switch (kind) {
    case CUBIE_SYMBOL_STATE: return "a state";
    case CUBIE_SYMBOL_PARAMETER: return "a parameter";
    case CUBIE_SYMBOL_CONSTANT: return "a constant";
    case CUBIE_SYMBOL_OBSERVABLE: return "an observable";
    case CUBIE_SYMBOL_TIME: return "time";
    case CUBIE_SYMBOL_DRIVER: return "a driver";
  }
  return "a symbol";
}

static int unknown_function(const parser *P, const cubie_token *name) {
  char word[128];
  snprintf(word, sizeof word, "%.*s", name->length > 100 ? 100 : name->length, name->text);
  const cubie_symtab_entry *e = cubie_symtab_find(P->symbols, word);
  if (e)
    return parse_error(P, name, "'%s' is %s, not a function (write '%s * (...)' to multiply)", word,
                       kind_word(e->kind), word);
  const char *names[N_FUNCTIONS];
  for (int i = 0; i < N_FUNCTIONS; i++) names[i] = functions[i].name;
  const char *hint = cubie_symtab_suggest_from(word, names, N_FUNCTIONS);
  if (hint) return parse_error(P, name, "unknown function '%s' (did you mean '%s'?)", word, hint);
  return parse_error(P, name,
                     "unknown function '%s' (the functions are sin cos tan asin acos atan atan2 "
                     "sinh cosh tanh exp log log10 sqrt cbrt pow abs fabs min max floor ceil sign "
                     "ifelse piecewise)",
                     word);
}

/* NAME '(' args ')' with the parser on NAME. */
static int parse_call(parser *P, int *id) {
  const cubie_token *name = peek(P);
  const function_info *fn = find_function(name);
  if (!fn) return unknown_function(P, name);
  const cubie_token *open = &P->tokens[P->pos + 1];
  P->pos += 2;

  int *args = NULL, n_args = 0, rc = CUBIE_OK;
  size_t capacity = 0;
  if (peek(P)->kind != CUBIE_TOK_RPAREN) {
    for (;;) {
      if (n_args == PARSER_MAX_ARGUMENTS) {
        rc = parse_error(P, name, "'%s' has more than %d arguments (the most a call may have)",
                         fn->name, PARSER_MAX_ARGUMENTS);
        goto done;
      }
      CUBIE_CALL_GOTO(rc, CUBIE_GROW(args, n_args + 1, capacity, "a call's arguments"), done);
      CUBIE_CALL_GOTO(rc, parse_expression(P, &args[n_args]), done);
      n_args++;
      if (peek(P)->kind != CUBIE_TOK_COMMA) break;
      P->pos++;
    }
  }
  if (peek(P)->kind != CUBIE_TOK_RPAREN) {
    char found[64];
    describe(peek(P), found, sizeof found);
    rc =
        parse_error(P, peek(P), "expected ',' or ')' in the call of '%s' opened at %d:%d, found %s",
                    fn->name, token_mark(P, open).line, token_mark(P, open).column, found);
    goto done;
  }
  P->pos++;

  if (fn->form == FUNCTION_PLAIN && n_args != fn->arity) {
    rc = parse_error(P, name, "'%s' takes %d argument%s, but %d %s given", fn->name, fn->arity,
                     fn->arity == 1 ? "" : "s", n_args, n_args == 1 ? "was" : "were");
  } else if (fn->form == FUNCTION_FOLD && n_args < fn->arity) {
    rc = parse_error(P, name, "'%s' takes at least %d arguments, but %d %s given", fn->name,
                     fn->arity, n_args, n_args == 1 ? "was" : "were");
  } else if (fn->form == FUNCTION_PIECEWISE && (n_args < 3 || n_args % 2 == 0)) {
    rc = parse_error(P, name,
                     "'piecewise' takes condition, value pairs and then a default value "
                     "(an odd number of arguments, at least 3), but %d %s given",
                     n_args, n_args == 1 ? "was" : "were");
  } else if (fn->form == FUNCTION_PLAIN) {
    rc = build(P, name, fn->op, args, id);
  } else if (fn->form == FUNCTION_FOLD) {
    int acc = args[0];
    for (int i = 1; i < n_args && !rc; i++) {
      int pair[2] = {acc, args[i]};
      rc = build(P, name, fn->op, pair, &acc);
    }
    *id = acc;
  } else {
    /* piecewise(c1, v1, c2, v2, ..., d) = c1 ? v1 : (c2 ? v2 : (... : d)) */
    int acc = args[n_args - 1];
    for (int i = n_args - 3; i >= 0 && !rc; i -= 2) {
      int triple[3] = {args[i], args[i + 1], acc};
      rc = build(P, name, CUBIE_EXPR_SELECT, triple, &acc);
    }
    *id = acc;
  }
done:
  free(args);
  return rc;
}

static int unknown_symbol(const parser *P, const cubie_token *tok) {
  char word[128];
  snprintf(word, sizeof word, "%.*s", tok->length > 100 ? 100 : tok->length, tok->text);
  if (find_function(tok))
    return parse_error(P, tok, "'%s' is a function: call it as %s(...)", word, word);
  const char *hint = cubie_symtab_suggest(P->symbols, word);
  if (hint) return parse_error(P, tok, "unknown symbol '%s' (did you mean '%s'?)", word, hint);
  return parse_error(
      P, tok, "unknown symbol '%s' (not a state, parameter, constant, observable or 't')", word);
}

/* `dNAME` for a state NAME (and no declared symbol of that name): the
 * state's derivative, substituted once every definition is known
 * (model_resolve.c), as HIRES and E5 write `dy8 = -dy7`. */
static const cubie_symtab_entry *derivative_reference(const parser *P, const cubie_token *tok) {
  if (tok->length < 2 || tok->text[0] != 'd') return NULL;
  const cubie_symtab_entry *e =
      cubie_symtab_find_n(P->symbols, tok->text + 1, (size_t)tok->length - 1);
  return e && e->kind == CUBIE_SYMBOL_STATE ? e : NULL;
}

static int parse_symbol(parser *P, int *id) {
  const cubie_token *tok = peek(P);
  const cubie_symtab_entry *e = cubie_symtab_find_n(P->symbols, tok->text, (size_t)tok->length);
  cubie_expr_graph *g = P->out->graph;
  if (!e) {
    const cubie_symtab_entry *state = derivative_reference(P, tok);
    if (!state) return unknown_symbol(P, tok);
    CUBIE_CALL(cubie_expr_graph_leaf(g, CUBIE_EXPR_DERIVATIVE, state->index, id));
    P->pos++;
    return mark_new_nodes(P, tok);
  }
  switch (e->kind) {
    case CUBIE_SYMBOL_STATE:
      CUBIE_CALL(cubie_expr_graph_leaf(g, CUBIE_EXPR_STATE, e->index, id));
      break;
    case CUBIE_SYMBOL_PARAMETER:
      CUBIE_CALL(cubie_expr_graph_leaf(g, CUBIE_EXPR_PARAMETER, e->index, id));
      break;
    case CUBIE_SYMBOL_CONSTANT:
      CUBIE_CALL(cubie_expr_graph_literal(g, P->cfg->model.constants[e->index].value, id));
      break;
    case CUBIE_SYMBOL_OBSERVABLE:
      CUBIE_CALL(cubie_expr_graph_leaf(g, CUBIE_EXPR_OBSERVABLE, e->index, id));
      break;
    case CUBIE_SYMBOL_TIME: CUBIE_CALL(cubie_expr_graph_leaf(g, CUBIE_EXPR_TIME, 0, id)); break;
    case CUBIE_SYMBOL_DRIVER:
      CUBIE_CALL(cubie_expr_graph_leaf(g, CUBIE_EXPR_DRIVER, e->index, id));
      break;
  }
  P->pos++;
  return mark_new_nodes(P, tok);
}

static int parse_primary(parser *P, int *id) {
  const cubie_token *tok = peek(P);
  switch (tok->kind) {
    case CUBIE_TOK_NUMBER:
      CUBIE_CALL(cubie_expr_graph_literal(P->out->graph, tok->value, id));
      P->pos++;
      return mark_new_nodes(P, tok);
    case CUBIE_TOK_NAME:
      if (P->pos + 1 < P->end && P->tokens[P->pos + 1].kind == CUBIE_TOK_LPAREN)
        return parse_call(P, id);
      return parse_symbol(P, id);
    case CUBIE_TOK_LPAREN: {
      P->pos++;
      CUBIE_CALL(parse_expression(P, id));
      if (peek(P)->kind != CUBIE_TOK_RPAREN) {
        char found[64];
        describe(peek(P), found, sizeof found);
        cubie_mark open = token_mark(P, tok);
        return parse_error(P, peek(P), "expected ')' to close the '(' at %d:%d, found %s",
                           open.line, open.column, found);
      }
      P->pos++;
      return CUBIE_OK;
    }
    default: return expected_expression(P);
  }
}

/* primary [('^' | '**') unary]: right-associative, and tighter than a
 * unary minus on its left (-x^2 = -(x^2)) but not on its right (x^-2). */
static int parse_power(parser *P, int *id) {
  CUBIE_CALL(parse_primary(P, id));
  if (peek(P)->kind != CUBIE_TOK_POWER) return CUBIE_OK;
  const cubie_token *op = peek(P);
  /* y^y^...^y recurses once per '^': count it like any nesting. */
  CUBIE_CALL(enter(P));
  P->pos++;
  int operands[2] = {*id, -1};
  CUBIE_CALL(parse_unary(P, &operands[1]));
  P->depth--;
  return build(P, op, CUBIE_EXPR_POW, operands, id);
}

static int parse_unary(parser *P, int *id) {
  const cubie_token *tok = peek(P);
  if (tok->kind != CUBIE_TOK_MINUS && tok->kind != CUBIE_TOK_PLUS && tok->kind != CUBIE_TOK_NOT)
    return parse_power(P, id);
  CUBIE_CALL(enter(P));
  P->pos++;
  int operand;
  CUBIE_CALL(parse_unary(P, &operand));
  P->depth--;
  if (tok->kind == CUBIE_TOK_PLUS) {
    *id = operand;
    return CUBIE_OK;
  }
  return build(P, tok, tok->kind == CUBIE_TOK_MINUS ? CUBIE_EXPR_NEG : CUBIE_EXPR_NOT, &operand,
               id);
}

/* Binary operators by precedence, loosest first; all left-associative. */
typedef struct binary_op {
  cubie_token_kind token;
  cubie_expr_op op;
} binary_op;

static const binary_op binary_levels[][4] = {
    {{CUBIE_TOK_OR, CUBIE_EXPR_OR}},
    {{CUBIE_TOK_AND, CUBIE_EXPR_AND}},
    {{CUBIE_TOK_EQ, CUBIE_EXPR_EQ}, {CUBIE_TOK_NE, CUBIE_EXPR_NE}},
    {{CUBIE_TOK_LT, CUBIE_EXPR_LT},
     {CUBIE_TOK_LE, CUBIE_EXPR_LE},
     {CUBIE_TOK_GT, CUBIE_EXPR_GT},
     {CUBIE_TOK_GE, CUBIE_EXPR_GE}},
    {{CUBIE_TOK_PLUS, CUBIE_EXPR_ADD}, {CUBIE_TOK_MINUS, CUBIE_EXPR_SUB}},
    {{CUBIE_TOK_STAR, CUBIE_EXPR_MUL}, {CUBIE_TOK_SLASH, CUBIE_EXPR_DIV}},
};
#define N_BINARY_LEVELS ((int)(sizeof binary_levels / sizeof binary_levels[0]))

static int match_binary(int level, cubie_token_kind kind, cubie_expr_op *op) {
  for (int i = 0; i < 4; i++) {
    const binary_op *b = &binary_levels[level][i];
    if (b->token == CUBIE_TOK_END) break; /* zero-filled tail */
    if (b->token == kind) {
      *op = b->op;
      return 1;
    }
  }
  return 0;
}

static int parse_binary(parser *P, int level, int *id) {
  if (level == N_BINARY_LEVELS) return parse_unary(P, id);
  CUBIE_CALL(parse_binary(P, level + 1, id));
  cubie_expr_op op;
  while (match_binary(level, peek(P)->kind, &op)) {
    const cubie_token *op_tok = peek(P);
    P->pos++;
    const cubie_token *rhs_start = peek(P);
    int operands[2] = {*id, -1};
    CUBIE_CALL(parse_binary(P, level + 1, &operands[1]));
    double divisor;
    if (op == CUBIE_EXPR_DIV && cubie_expr_graph_is_literal(P->out->graph, operands[1], &divisor) &&
        divisor == 0.0)
      return parse_error(P, rhs_start, "division by zero (this divisor is always 0)");
    /* A division remembers its divisor's position: substituting observables
     * may still reveal a zero divisor (model_resolve.c). */
    CUBIE_CALL(build(P, op == CUBIE_EXPR_DIV ? rhs_start : op_tok, op, operands, id));
  }
  return CUBIE_OK;
}

static int parse_expression(parser *P, int *id) {
  CUBIE_CALL(enter(P));
  CUBIE_CALL(parse_binary(P, 0, id));
  P->depth--;
  return CUBIE_OK;
}

/* ---- statements --------------------------------------------------------- */

static int add_definition(parser *P, const cubie_token *lhs, int is_derivative, int index,
                          int *def) {
  cubie_model_parse *out = P->out;
  CUBIE_CALL(CUBIE_GROW(out->defs, out->n_defs + 1, out->defs_capacity, "the equations"));
  cubie_model_definition *d = &out->defs[out->n_defs];
  memset(d, 0, sizeof *d);
  d->name = malloc((size_t)lhs->length + 1);
  CUBIE_CHECK(d->name, CUBIE_ERR_MEMORY, "out of memory parsing the equations");
  memcpy(d->name, lhs->text, (size_t)lhs->length);
  d->name[lhs->length] = '\0';
  d->is_derivative = is_derivative;
  d->index = index;
  d->root = -1;
  d->mark = token_mark(P, lhs);
  *def = out->n_defs++;
  return CUBIE_OK;
}

/* Pass 1: learn every definition's name before any right-hand side is read,
 * so observables can be used above the line that defines them. Problems
 * are only noted here; pass 2 reports them in line order. */
static int collect_definition(parser *P, statement *s) {
  s->def = -1;
  s->duplicate_of = -1;
  s->input = -1;
  if (s->end - s->first < 2 || P->tokens[s->first].kind != CUBIE_TOK_NAME ||
      P->tokens[s->first + 1].kind != CUBIE_TOK_ASSIGN)
    return CUBIE_OK;
  const cubie_token *lhs = &P->tokens[s->first];
  cubie_model_parse *out = P->out;
  if (lhs->length > 1 && lhs->text[0] == 'd') {
    const cubie_symtab_entry *e =
        cubie_symtab_find_n(P->symbols, lhs->text + 1, (size_t)lhs->length - 1);
    if (e && e->kind == CUBIE_SYMBOL_STATE) {
      if (out->derivative_def[e->index] >= 0) {
        s->duplicate_of = out->derivative_def[e->index];
        return CUBIE_OK;
      }
      CUBIE_CALL(add_definition(P, lhs, 1, e->index, &s->def));
      out->derivative_def[e->index] = s->def;
      return CUBIE_OK;
    }
  }
  const cubie_symtab_entry *e = cubie_symtab_find_n(P->symbols, lhs->text, (size_t)lhs->length);
  if (e && e->kind == CUBIE_SYMBOL_OBSERVABLE) {
    s->duplicate_of = out->observable_def[e->index];
  } else if (e) {
    s->input = (int)(e - P->symbols->entries);
  } else {
    CUBIE_CALL(CUBIE_GROW(out->observable_def, out->n_observables + 1,
                          out->observables_capacity, "the observables"));
    CUBIE_CALL(add_definition(P, lhs, 0, out->n_observables, &s->def));
    out->observable_def[out->n_observables] = s->def;
    CUBIE_CALL(cubie_symtab_insert(P->symbols, out->defs[s->def].name, CUBIE_SYMBOL_OBSERVABLE,
                                   out->n_observables));
    out->n_observables++;
  }
  return CUBIE_OK;
}

/* Pass 2: check the left-hand side, read the right-hand side. */
static int parse_statement(parser *P, const statement *s) {
  const cubie_token *lhs = &P->tokens[s->first];
  char found[64];
  P->pos = s->first;
  P->end = s->end;
  if (lhs->kind == CUBIE_TOK_BAD) return report_bad_token(P, lhs);
  if (lhs->kind != CUBIE_TOK_NAME) {
    describe(lhs, found, sizeof found);
    return parse_error(P, lhs, "expected a definition 'NAME = expression', found %s", found);
  }
  const cubie_token *assign = &P->tokens[s->first + 1 < s->end ? s->first + 1 : s->end];
  if (assign->kind != CUBIE_TOK_ASSIGN) {
    if (assign->kind == CUBIE_TOK_BAD) return report_bad_token(P, assign);
    describe(assign, found, sizeof found);
    return parse_error(P, assign, "expected '=' after '%.*s', found %s", lhs->length, lhs->text,
                       found);
  }
  if (s->input >= 0) {
    const cubie_symtab_entry *input = &P->symbols->entries[s->input];
    const char *name = input->name;
    switch (input->kind) {
      case CUBIE_SYMBOL_STATE:
        return parse_error(P, lhs,
                           "cannot assign to state '%s' (write 'd%s = ...' to define its "
                           "derivative)",
                           name, name);
      case CUBIE_SYMBOL_TIME: return parse_error(P, lhs, "cannot assign to time 't'");
      case CUBIE_SYMBOL_DRIVER:
        return parse_error(P, lhs,
                           "cannot assign to driver '%s' (its values come from "
                           "model.drivers)",
                           name);
      default:
        return parse_error(P, lhs,
                           "cannot assign to %s '%s' (its value comes from the deck; only "
                           "derivatives 'dNAME' and observables are defined here)",
                           input->kind == CUBIE_SYMBOL_PARAMETER ? "parameter" : "constant",
                           name);
    }
  }
  if (s->duplicate_of >= 0) {
    const cubie_model_definition *first = &P->out->defs[s->duplicate_of];
    if (first->is_derivative)
      return parse_error(P, lhs, "the derivative of state '%s' is defined twice (first at line %d)",
                         first->name + 1, first->mark.line);
    return parse_error(P, lhs, "observable '%s' is defined twice (first at line %d)", first->name,
                       first->mark.line);
  }
  P->pos = s->first + 2;
  P->depth = 0;
  P->terms = 0;
  int root;
  CUBIE_CALL(parse_expression(P, &root));
  if (P->pos < P->end) {
    const cubie_token *extra = peek(P);
    if (extra->kind == CUBIE_TOK_BAD) return report_bad_token(P, extra);
    describe(extra, found, sizeof found);
    if (extra->kind == CUBIE_TOK_RPAREN)
      return parse_error(P, extra, "unexpected ')' (no '(' to close)");
    if (extra->kind == CUBIE_TOK_ASSIGN)
      return parse_error(P, extra, "unexpected '=' (write '==' to compare)");
    return parse_error(P, extra, "unexpected %s after the expression (missing operator?)", found);
  }
  P->out->defs[s->def].root = root;
  return CUBIE_OK;
}

static int parse_all(parser *P) {
  int n_states = P->cfg->model.n_states;
  P->out->derivative_def = malloc((size_t)(n_states > 0 ? n_states : 1) * sizeof(int));
  CUBIE_CHECK(P->out->derivative_def, CUBIE_ERR_MEMORY, "out of memory parsing the equations");
  for (int i = 0; i < n_states; i++) P->out->derivative_def[i] = -1;

  statement *statements = NULL;
  int n_statements = 0, rc = CUBIE_OK;
  size_t statements_capacity = 0;
  for (int i = 0; i < P->n_tokens && P->tokens[i].kind != CUBIE_TOK_END;) {
    int end = i;
    while (P->tokens[end].kind != CUBIE_TOK_NEWLINE && P->tokens[end].kind != CUBIE_TOK_END) end++;
    if (end > i) {
      CUBIE_CALL_GOTO(rc, CUBIE_GROW(statements, n_statements + 1, statements_capacity,
                                     "the equations' statements"),
                      done);
      statements[n_statements].first = i;
      statements[n_statements].end = end;
      CUBIE_CALL_GOTO(rc, collect_definition(P, &statements[n_statements]), done);
      n_statements++;
    }
    i = P->tokens[end].kind == CUBIE_TOK_NEWLINE ? end + 1 : end;
  }
  if (n_statements == 0) {
    rc = cubie_config_error_at(P->cfg, P->cfg->model.equations_mark,
                               "the equations are empty (write one line 'dNAME = expression' per "
                               "state)");
    goto done;
  }
  for (int i = 0; i < n_statements; i++)
    CUBIE_CALL_GOTO(rc, parse_statement(P, &statements[i]), done);
done:
  free(statements);
  return rc;
}

int cubie_model_parse_equations(const cubie_config *cfg, cubie_symtab *symbols,
                                cubie_model_parse *out) {
  memset(out, 0, sizeof *out);
  parser P;
  memset(&P, 0, sizeof P);
  P.cfg = cfg;
  P.symbols = symbols;
  P.out = out;
  int rc = cubie_expr_graph_create(&out->graph);
  if (!rc)
    rc = cubie_model_lex(cfg->model.equations ? cfg->model.equations : "", &P.tokens, &P.n_tokens);
  if (!rc) rc = parse_all(&P);
  free(P.tokens);
  if (rc) cubie_model_parse_free(out);
  return rc;
}

int cubie_model_parse_expression(const cubie_config *cfg, cubie_symtab *symbols,
                                 cubie_model_parse *parse, const char *text, cubie_mark base,
                                 int *root) {
  parser P;
  memset(&P, 0, sizeof P);
  P.cfg = cfg;
  P.symbols = symbols;
  P.out = parse;
  P.base = &base;
  P.n_marked = parse->graph->n_nodes;
  P.marks_capacity = (size_t)parse->graph->n_nodes; /* at least what node_marks holds */
  int rc = cubie_model_lex(text ? text : "", &P.tokens, &P.n_tokens);
  if (rc) return rc;
  P.end = 0;
  while (P.tokens[P.end].kind != CUBIE_TOK_END) P.end++;
  /* A line break inside a folded expression is only white space. */
  int kept = 0;
  for (int i = 0; i <= P.end; i++)
    if (P.tokens[i].kind != CUBIE_TOK_NEWLINE) P.tokens[kept++] = P.tokens[i];
  P.end = kept - 1;
  if (P.end == 0) {
    rc = parse_error(&P, &P.tokens[0], "the expression is empty");
  } else {
    rc = parse_expression(&P, root);
    if (!rc && P.pos < P.end) {
      const cubie_token *extra = peek(&P);
      char found[64];
      describe(extra, found, sizeof found);
      if (extra->kind == CUBIE_TOK_BAD) rc = report_bad_token(&P, extra);
      else if (extra->kind == CUBIE_TOK_RPAREN)
        rc = parse_error(&P, extra, "unexpected ')' (no '(' to close)");
      else if (extra->kind == CUBIE_TOK_ASSIGN)
        rc = parse_error(&P, extra, "unexpected '=' (write '==' to compare)");
      else
        rc = parse_error(&P, extra, "unexpected %s after the expression (missing operator?)",
                         found);
    }
  }
  free(P.tokens);
  return rc;
}

void cubie_model_parse_free(cubie_model_parse *p) {
  cubie_expr_graph_destroy(&p->graph);
  free(p->node_marks);
  for (int i = 0; i < p->n_defs; i++) free(p->defs[i].name);
  free(p->defs);
  free(p->derivative_def);
  free(p->observable_def);
  memset(p, 0, sizeof *p);
}
