/* model_lexer.c — tokens of the model language (see model_lexer.h). */
#include "model/model_lexer.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "util/growable.h"

typedef struct lexer {
  const char *text;
  const char *pos;
  const char *line_start;
  int line;
  int depth; /* open parentheses */
  cubie_token *tokens;
  int n_tokens;
  size_t capacity;
} lexer;

static int is_name_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
static int is_digit(char c) { return c >= '0' && c <= '9'; }
static int is_name_char(char c) { return is_name_start(c) || is_digit(c); }
static int is_hex_digit(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int lexer_push(lexer *lx, cubie_token_kind kind, const char *start, int length,
                      cubie_token **out) {
  CUBIE_CALL(CUBIE_GROW(lx->tokens, lx->n_tokens + 1, lx->capacity, "the equations' tokens"));
  cubie_token *tok = &lx->tokens[lx->n_tokens++];
  memset(tok, 0, sizeof *tok);
  tok->kind = kind;
  tok->text = start;
  tok->length = length;
  tok->line = lx->line;
  tok->column = (int)(start - lx->line_start) + 1;
  if (out) *out = tok;
  return CUBIE_OK;
}

/* Does the first non-blank, non-comment line at or after `p` (the start of
 * a line) begin with `NAME =` (and not `NAME ==`)? */
static int next_line_defines(const char *p) {
  for (;;) {
    while (*p == ' ' || *p == '\t' || *p == '\r') p++;
    if (*p == '#') {
      while (*p && *p != '\n') p++;
    }
    if (*p == '\n') {
      p++;
      continue;
    }
    if (!is_name_start(*p)) return 0;
    while (is_name_char(*p)) p++;
    while (*p == ' ' || *p == '\t') p++;
    return p[0] == '=' && p[1] != '=';
  }
}

/* A number in C form: 12, 1.5, .5, 5., 1e-3, 1.5E+2, 0x1F, with an optional
 * f/F suffix on decimal forms. A letter glued to it makes it malformed. */
static int lex_number(lexer *lx) {
  const char *start = lx->pos, *p = lx->pos;
  cubie_token_problem problem = CUBIE_TOKEN_FINE;
  double value = 0.0;
  if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
    p += 2;
    const char *digits = p;
    while (is_hex_digit(*p)) p++;
    if (p == digits) {
      problem = CUBIE_TOKEN_BAD_NUMBER;
    } else {
      errno = 0;
      unsigned long long v = strtoull(digits, NULL, 16);
      if (errno == ERANGE) problem = CUBIE_TOKEN_NUMBER_RANGE;
      value = (double)v;
    }
  } else {
    while (is_digit(*p)) p++;
    if (*p == '.') {
      p++;
      while (is_digit(*p)) p++;
    }
    if (*p == 'e' || *p == 'E') {
      p++;
      if (*p == '+' || *p == '-') p++;
      if (!is_digit(*p)) problem = CUBIE_TOKEN_BAD_NUMBER;
      while (is_digit(*p)) p++;
    }
    if (problem == CUBIE_TOKEN_FINE) {
      /* strtod stops before any suffix; the deck is read in the C locale. */
      value = strtod(start, NULL);
      if (isinf(value)) problem = CUBIE_TOKEN_NUMBER_RANGE;
    }
    if (*p == 'f' || *p == 'F') p++;
  }
  if (is_name_char(*p) || *p == '.') {
    problem = CUBIE_TOKEN_BAD_NUMBER;
    while (is_name_char(*p) || *p == '.') p++;
  }
  cubie_token *tok;
  CUBIE_CALL(
      lexer_push(lx, problem ? CUBIE_TOK_BAD : CUBIE_TOK_NUMBER, start, (int)(p - start), &tok));
  tok->value = value;
  tok->problem = problem;
  lx->pos = p;
  return CUBIE_OK;
}

/* Operators and punctuation; anything else is a bad character. */
static int lex_symbol(lexer *lx) {
  const char *p = lx->pos;
  cubie_token_kind kind = CUBIE_TOK_BAD;
  cubie_token_problem problem = CUBIE_TOKEN_FINE;
  int length = 1;
  switch (p[0]) {
    case '+': kind = CUBIE_TOK_PLUS; break;
    case '-': kind = CUBIE_TOK_MINUS; break;
    case '/': kind = CUBIE_TOK_SLASH; break;
    case '^': kind = CUBIE_TOK_POWER; break;
    case ',': kind = CUBIE_TOK_COMMA; break;
    case '*':
      kind = p[1] == '*' ? CUBIE_TOK_POWER : CUBIE_TOK_STAR;
      length = p[1] == '*' ? 2 : 1;
      break;
    case '<':
      kind = p[1] == '=' ? CUBIE_TOK_LE : CUBIE_TOK_LT;
      length = p[1] == '=' ? 2 : 1;
      break;
    case '>':
      kind = p[1] == '=' ? CUBIE_TOK_GE : CUBIE_TOK_GT;
      length = p[1] == '=' ? 2 : 1;
      break;
    case '=':
      kind = p[1] == '=' ? CUBIE_TOK_EQ : CUBIE_TOK_ASSIGN;
      length = p[1] == '=' ? 2 : 1;
      break;
    case '!':
      kind = p[1] == '=' ? CUBIE_TOK_NE : CUBIE_TOK_NOT;
      length = p[1] == '=' ? 2 : 1;
      break;
    case '&':
      if (p[1] == '&') {
        kind = CUBIE_TOK_AND;
        length = 2;
      } else {
        problem = CUBIE_TOKEN_LONE_AMPERSAND;
      }
      break;
    case '|':
      if (p[1] == '|') {
        kind = CUBIE_TOK_OR;
        length = 2;
      } else {
        problem = CUBIE_TOKEN_LONE_BAR;
      }
      break;
    case '(':
      kind = CUBIE_TOK_LPAREN;
      lx->depth++;
      break;
    case ')':
      kind = CUBIE_TOK_RPAREN;
      if (lx->depth > 0) lx->depth--;
      break;
    default:
      problem = CUBIE_TOKEN_BAD_CHARACTER;
      /* Keep a UTF-8 sequence whole so the message shows the character. */
      if ((unsigned char)p[0] >= 0xC0)
        while (((unsigned char)p[length] & 0xC0) == 0x80) length++;
      break;
  }
  cubie_token *tok;
  CUBIE_CALL(lexer_push(lx, kind, p, length, &tok));
  tok->problem = problem;
  lx->pos = p + length;
  return CUBIE_OK;
}

static int lex_all(lexer *lx) {
  for (;;) {
    char c = *lx->pos;
    if (c == '\0') {
      /* After an unfinished last statement, the end is reported where its
       * last token ends, not on a line past the text. */
      cubie_token *end;
      CUBIE_CALL(lexer_push(lx, CUBIE_TOK_END, lx->pos, 0, &end));
      if (lx->n_tokens > 1 && end[-1].kind != CUBIE_TOK_NEWLINE) {
        end->line = end[-1].line;
        end->column = end[-1].column + end[-1].length;
      }
      return CUBIE_OK;
    } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
      lx->pos++;
    } else if (c == '#') {
      while (*lx->pos && *lx->pos != '\n') lx->pos++;
    } else if (c == '\n') {
      int ends_statement = lx->depth == 0 || next_line_defines(lx->pos + 1);
      if (ends_statement && lx->n_tokens > 0 &&
          lx->tokens[lx->n_tokens - 1].kind != CUBIE_TOK_NEWLINE)
        CUBIE_CALL(lexer_push(lx, CUBIE_TOK_NEWLINE, lx->pos, 0, NULL));
      if (ends_statement) lx->depth = 0;
      lx->pos++;
      lx->line++;
      lx->line_start = lx->pos;
    } else if (is_name_start(c)) {
      const char *start = lx->pos;
      while (is_name_char(*lx->pos)) lx->pos++;
      CUBIE_CALL(lexer_push(lx, CUBIE_TOK_NAME, start, (int)(lx->pos - start), NULL));
    } else if (is_digit(c) || (c == '.' && is_digit(lx->pos[1]))) {
      CUBIE_CALL(lex_number(lx));
    } else {
      CUBIE_CALL(lex_symbol(lx));
    }
  }
}

int cubie_model_lex(const char *text, cubie_token **tokens, int *n_tokens) {
  *tokens = NULL;
  *n_tokens = 0;
  lexer lx = {text, text, text, 1, 0, NULL, 0, 0};
  int rc = lex_all(&lx);
  if (rc) {
    free(lx.tokens);
    return rc;
  }
  *tokens = lx.tokens;
  *n_tokens = lx.n_tokens;
  return CUBIE_OK;
}
