import type { Command, Option } from 'commander';
import { COMMANDS, GROUPS } from './generated/commands.js';
import { BIN, brief, SHELLS } from './main.js';
import type { ValueKind } from './table.js';

/**
 * Completion scripts for bash, zsh and fish, written from the command table and the program's
 * global options: a command added to the spec completes with no other edit.
 */

interface Flag {
  name: string;
  takesValue: boolean;
  values?: string[];
  description: string;
}
interface Leaf {
  names: string[];
  description: string;
  flags: Flag[];
}
interface Group {
  names: string[];
  description: string;
  leaves: Leaf[];
}

function model(program: Command): { globals: Flag[]; groups: Group[] } {
  const visible = (o: Option) => !(o as Option & { hidden?: boolean }).hidden;
  const globals: Flag[] = program.options.filter(visible).map((o) => ({
    name: o.long!.slice(2),
    takesValue: o.required || o.optional,
    description: o.description,
  }));
  globals.push({ name: 'help', takesValue: false, description: 'show help' });
  const valuesOf = (v: ValueKind): string[] | undefined => (v.kind === 'enum' ? v.values : v.kind === 'list' ? valuesOf(v.items) : undefined);
  const groups: Group[] = GROUPS.map((g) => ({
    names: [g.name, ...g.aliases],
    description: g.description,
    leaves: COMMANDS.filter((c) => c.group === g.name).map((c) => ({
      names: [c.name, ...c.aliases],
      description: c.summary,
      flags: [
        ...c.flags.map((f) => {
          const values = valuesOf(f.value);
          return { name: f.name, takesValue: f.value.kind !== 'boolean', description: brief(f.description), ...(values ? { values } : {}) };
        }),
        ...(c.live
          ? [
              { name: c.live.flag, takesValue: false, description: c.live.description },
              { name: 'interval-ms', takesValue: true, description: `how often --${c.live.flag} polls` },
            ]
          : []),
      ],
    })),
  }));
  groups.push({ names: ['completion'], description: 'print a shell completion script', leaves: SHELLS.map((s) => ({ names: [s], description: `${s} completion`, flags: [] })) });
  groups.push({ names: ['help'], description: 'show help for a command', leaves: [] });
  return { globals, groups };
}

export function completionScript(shell: string, program: Command): string {
  const m = model(program);
  if (shell === 'fish') return fish(m);
  return shell === 'zsh' ? zsh(m) : bash(m);
}

/** Every flag that takes a value, so that its value is not mistaken for a command word. */
function valued(m: { globals: Flag[]; groups: Group[] }): string {
  const names = new Set([...m.globals, ...m.groups.flatMap((g) => g.leaves.flatMap((l) => l.flags))].filter((f) => f.takesValue).map((f) => `--${f.name}`));
  // Hidden global flags that take a value are skipped too.
  names.add('--header');
  return ` ${[...names].join(' ')} `;
}

/**
 * The shell-neutral core shared by bash and zsh: given `group`, `cmd`, `prev` and `cur`, sets
 * `candidates`. Aliases are first turned into the canonical names.
 */
function core(m: { globals: Flag[]; groups: Group[] }): string {
  const globalFlags = m.globals.map((f) => `--${f.name}`).join(' ');
  const lines: string[] = [];
  lines.push('  case $group in');
  for (const g of m.groups) if (g.names.length > 1) lines.push(`    ${g.names.join('|')}) group=${g.names[0]} ;;`);
  lines.push('  esac');
  lines.push('  case "$group $cmd" in');
  for (const g of m.groups) for (const l of g.leaves) if (l.names.length > 1) lines.push(`    ${l.names.map((n) => `"${g.names[0]} ${n}"`).join('|')}) cmd=${l.names[0]} ;;`);
  lines.push('  esac');
  lines.push('  candidates=""');
  lines.push('  if [[ $valued == *" $prev "* ]]; then');
  lines.push('    case "$group $cmd $prev" in');
  for (const g of m.groups) {
    for (const l of g.leaves) {
      for (const f of l.flags) if (f.values) lines.push(`      "${g.names[0]} ${l.names[0]} --${f.name}") candidates="${f.values.join(' ')}" ;;`);
    }
  }
  lines.push('    esac');
  lines.push('  elif [[ $cur == -* ]]; then');
  lines.push('    case "$group $cmd" in');
  for (const g of m.groups) for (const l of g.leaves) if (l.flags.length) lines.push(`      "${g.names[0]} ${l.names[0]}") candidates="${l.flags.map((f) => `--${f.name}`).join(' ')}" ;;`);
  lines.push('    esac');
  lines.push(`    candidates="$candidates ${globalFlags}"`);
  lines.push('  elif [[ -z $group ]]; then');
  lines.push(`    candidates="${m.groups.flatMap((g) => g.names).join(' ')}"`);
  lines.push('  elif [[ -z $cmd ]]; then');
  lines.push('    case $group in');
  for (const g of m.groups) {
    const words = g.names[0] === 'help' ? m.groups.filter((x) => x.names[0] !== 'help').map((x) => x.names[0]) : g.leaves.flatMap((l) => l.names);
    lines.push(`      ${g.names[0]}) candidates="${words.join(' ')}" ;;`);
  }
  lines.push('    esac');
  lines.push('  fi');
  return lines.join('\n');
}

function bash(m: { globals: Flag[]; groups: Group[] }): string {
  return `# bash completion for ${BIN}. Load it with: source <(${BIN} completion bash)
_tensor_box_complete() {
  local cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD-1]}
  local valued="${valued(m)}"
  local -a pos=()
  local i w group cmd candidates
  for ((i = 1; i < COMP_CWORD; i++)); do
    w=\${COMP_WORDS[i]}
    if [[ $w == -* ]]; then
      if [[ $valued == *" $w "* ]]; then i=$((i + 1)); fi
    else
      pos+=("$w")
    fi
  done
  group=\${pos[0]} cmd=\${pos[1]}
${core(m)}
  COMPREPLY=($(compgen -W "$candidates" -- "$cur"))
}
complete -F _tensor_box_complete ${BIN}
`;
}

function zsh(m: { globals: Flag[]; groups: Group[] }): string {
  return `#compdef ${BIN}
# zsh completion for ${BIN}. Save it as _${BIN} in a folder of $fpath, or: source <(${BIN} completion zsh)
_tensor_box() {
  local cur=\${words[CURRENT]} prev=\${words[CURRENT-1]}
  local valued="${valued(m)}"
  local -a pos
  local i w group cmd candidates
  for ((i = 2; i < CURRENT; i++)); do
    w=\${words[i]}
    if [[ $w == -* ]]; then
      if [[ $valued == *" $w "* ]]; then i=$((i + 1)); fi
    else
      pos+=("$w")
    fi
  done
  group=\${pos[1]} cmd=\${pos[2]}
${core(m)}
  compadd -- \${=candidates}
}
if [[ \${zsh_eval_context[-1]} == loadautofunc ]]; then
  _tensor_box "$@"
else
  compdef _tensor_box ${BIN}
fi
`;
}

function fish(m: { globals: Flag[]; groups: Group[] }): string {
  const q = (text: string) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  const flagLine = (cond: string | undefined, f: Flag) => {
    const condition = cond ? ` -n ${q(cond)}` : '';
    const value = f.values ? ` -x -a ${q(f.values.join(' '))}` : f.takesValue ? ' -r' : '';
    return `complete -c ${BIN}${condition} -l ${f.name}${value} -d ${q(f.description)}`;
  };
  const lines = [
    `# fish completion for ${BIN}. Save it as ~/.config/fish/completions/${BIN}.fish`,
    `complete -c ${BIN} -f`,
    '# The words that are not flags (nor flag values) so far: group, command, arguments.',
    'function __tensor_box_words',
    `    set -l valued${valued(m).trimEnd()}`,
    '    set -l skip 0',
    '    for t in (commandline -opc)[2..-1]',
    '        if test $skip = 1',
    '            set skip 0',
    '        else if string match -q -- "-*" $t',
    '            contains -- $t $valued; and set skip 1',
    '        else',
    '            echo $t',
    '        end',
    '    end',
    'end',
    'function __tensor_box_count',
    '    test (count (__tensor_box_words)) -eq $argv[1]',
    'end',
    '# __tensor_box_is N NAME...: word N is one of the names.',
    'function __tensor_box_is',
    '    set -l w (__tensor_box_words)',
    '    test (count $w) -ge $argv[1]; and contains -- $w[$argv[1]] $argv[2..-1]',
    'end',
    ...m.globals.map((f) => flagLine(undefined, f)),
  ];
  for (const g of m.groups) {
    lines.push(`complete -c ${BIN} -n '__tensor_box_count 0' -a ${q(g.names.join(' '))} -d ${q(g.description)}`);
    const inGroup = `__tensor_box_is 1 ${g.names.join(' ')}`;
    const leaves = g.names[0] === 'help' ? m.groups.filter((x) => x.names[0] !== 'help').map((x) => ({ names: [x.names[0]!], description: x.description, flags: [] })) : g.leaves;
    for (const l of leaves) {
      lines.push(`complete -c ${BIN} -n ${q(`__tensor_box_count 1; and ${inGroup}`)} -a ${q(l.names.join(' '))} -d ${q(l.description)}`);
      for (const f of l.flags) lines.push(flagLine(`${inGroup}; and __tensor_box_is 2 ${l.names.join(' ')}`, f));
    }
  }
  return `${lines.join('\n')}\n`;
}
