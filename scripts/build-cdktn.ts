/**
 * Builds the CDK Terrain flavour, `keyplane/cdktn`, from the same sources as the cdktf one:
 * constructs/ and contract/ compiled once more into dist/cdktn/, with every import of a cdktf
 * package turned into an import of its cdktn counterpart.
 *
 * The aliases are the `paths` of tsconfig.cdktn.json, the one place they are written: the
 * compiler type-checks the sources against cdktn and @cdktn/provider-aws through them (so an
 * API the two frameworks do not share fails this build), and a transformer rewrites the same
 * module specifiers in the emitted JavaScript and declarations, which `paths` alone leaves as
 * they are.
 */
import * as path from 'path';
import * as ts from 'typescript';

const ROOT = path.resolve(__dirname, '..');
const CONFIG = path.join(ROOT, 'tsconfig.cdktn.json');

/** One alias: a cdktf module (or, ending in '/', a module prefix) and its cdktn counterpart. */
interface Alias {
  from: string;
  to: string;
}

/**
 * The aliases in a tsconfig's `paths`: `"cdktf": ["./node_modules/cdktn"]` maps the package,
 * `"@cdktf/provider-aws/*": ["./node_modules/@cdktn/provider-aws/*"]` every module under it.
 */
function aliasesOf(paths: ts.MapLike<string[]>): Alias[] {
  return Object.entries(paths).map(([pattern, [target]]) => {
    const to = /node_modules\/(.+)$/.exec(target ?? '')?.[1];
    if (!to || pattern.endsWith('*') !== to.endsWith('*')) {
      throw new Error(
        `${CONFIG}: paths["${pattern}"] must name one package under ./node_modules/, with a trailing "*" exactly when the pattern has one, got ${JSON.stringify(target)}`
      );
    }
    return { from: pattern.replace(/\*$/, ''), to: to.replace(/\*$/, '') };
  });
}

/** The module `specifier` names in the cdktn flavour (unchanged when no alias covers it). */
function aliased(specifier: string, aliases: readonly Alias[]): string {
  for (const { from, to } of aliases) {
    if (from.endsWith('/') ? specifier.startsWith(from) : specifier === from) {
      return to + specifier.slice(from.length);
    }
  }
  return specifier;
}

/** The module specifier of an import, an export or an `import("...")` type. */
function specifierOf(node: ts.Node): ts.Node | undefined {
  if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) return node.moduleSpecifier;
  if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
    return node.argument.literal;
  }
  return undefined;
}

/** Rewrites the module specifiers an alias covers in a source or declaration file. */
function rewriteSpecifiers<T extends ts.Node>(aliases: readonly Alias[]): ts.TransformerFactory<T> {
  return (context) => {
    const visit = (node: ts.Node): ts.Node => {
      const specifier = specifierOf(node);
      if (specifier && ts.isStringLiteral(specifier)) {
        const to = aliased(specifier.text, aliases);
        if (to !== specifier.text) {
          const replacement = context.factory.createStringLiteral(to);
          const replace = (child: ts.Node): ts.Node =>
            child === specifier ? replacement : ts.visitEachChild(child, replace, context);
          return ts.visitEachChild(node, replace, context);
        }
      }
      return ts.visitEachChild(node, visit, context);
    };
    return (file) => ts.visitNode(file, visit) as T;
  };
}

function build(): void {
  const parsed = ts.getParsedCommandLineOfConfigFile(CONFIG, undefined, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
    },
  });
  if (!parsed) throw new Error(`${CONFIG}: cannot be read`);
  const aliases = aliasesOf(parsed.options.paths ?? {});
  const program = ts.createProgram(parsed.fileNames, parsed.options);
  const format = (diagnostics: readonly ts.Diagnostic[]) =>
    ts.formatDiagnostics(diagnostics, {
      getCanonicalFileName: (file) => file,
      getCurrentDirectory: () => ROOT,
      getNewLine: () => '\n',
    });
  const errors = ts.getPreEmitDiagnostics(program);
  if (errors.length > 0) throw new Error(`the cdktn flavour does not compile:\n${format(errors)}`);
  const result = program.emit(undefined, undefined, undefined, false, {
    before: [rewriteSpecifiers<ts.SourceFile>(aliases)],
    afterDeclarations: [rewriteSpecifiers<ts.SourceFile | ts.Bundle>(aliases)],
  });
  if (result.diagnostics.length > 0) throw new Error(format(result.diagnostics));
}

build();
