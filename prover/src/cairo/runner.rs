//! Runs a compiled Cairo 0 program in cairo-vm proof mode and turns the run into an
//! [`Execution`]. Inputs reach the program through one hint,
//! `%{ kraken_inputs(ids.inputs, ids.n_inputs) %}`, which writes them to a fresh segment.

use super::builtins::{self, range_check, BUILTINS};
use super::layout::Layout;
use super::public_input::{CairoPublicInput, Segment, PROGRAM_BASE};
use super::trace::Execution;
use crate::error::ProveError;
use crate::field::FE;
use cairo_vm::cairo_run::{cairo_run_program, CairoRunConfig};
use cairo_vm::hint_processor::builtin_hint_processor::builtin_hint_processor_definition::{
    BuiltinHintProcessor, HintFunc,
};
use cairo_vm::hint_processor::builtin_hint_processor::hint_utils::{get_ptr_from_var_name, insert_value_from_var_name};
use cairo_vm::types::layout_name::LayoutName;
use cairo_vm::types::program::Program;
use cairo_vm::types::relocatable::MaybeRelocatable;
use cairo_vm::Felt252;
use std::rc::Rc;

/// The input hint's code, exactly as the compiler stores it: the inputs in a new segment.
pub const INPUT_HINT: &str = "kraken_inputs(ids.inputs, ids.n_inputs)";
/// The same inputs written in place as the head of the output segment, `[n_inputs,
/// inputs...]`, which the output convention asks for anyway: a program with many inputs
/// then spends no steps copying them (the output segment is public memory, so the
/// verifier sees exactly these cells).
pub const INPUT_IN_OUTPUT_HINT: &str = "kraken_inputs_in_output(ids.output_ptr, ids.n_inputs)";

pub fn felt_to_fe(f: &Felt252) -> FE {
    // Felt252 is always canonical.
    crate::field::fe_from_bytes(&f.to_bytes_be()).unwrap_or_else(FE::zero)
}

pub fn fe_to_felt(x: &FE) -> Felt252 {
    Felt252::from_bytes_be(&crate::field::fe_to_bytes(x))
}

fn perr(e: impl std::fmt::Display) -> ProveError {
    ProveError::Execution(e.to_string())
}

/// A compiled program, its declared builtins (checked to be ones we prove) and its
/// bytecode.
struct Loaded {
    program: Program,
    declared: Vec<&'static str>,
    words: Vec<FE>,
}

fn load(program_json: &[u8]) -> Result<Loaded, ProveError> {
    let program = Program::from_bytes(program_json, Some("main")).map_err(|e| ProveError::Program(e.to_string()))?;
    let declared: Vec<&'static str> = program.iter_builtins().map(|b| b.to_str()).collect();
    // `output`, then any of the registry's builtins in Cairo's order.
    let supported: Vec<&str> = builtins::cairo_order().into_iter().map(|i| BUILTINS[i].name()).collect();
    let ok = declared.first() == Some(&"output") && {
        let rest = &declared[1..];
        let pos = |b: &&str| supported.iter().position(|s| s == b);
        rest.iter().all(|b| pos(b).is_some()) && rest.windows(2).all(|w| pos(&w[0]) < pos(&w[1]))
    };
    if !ok {
        let (last, others) = supported.split_last().unwrap_or((&"", &[]));
        return Err(ProveError::Program(format!(
            "unsupported builtins [{}]: Kraken proves programs declaring `%builtins output`, \
             optionally followed by {} and/or {last} (in that order); the others are not supported",
            declared.join(", "),
            others.join(", ")
        )));
    }
    let words: Vec<FE> = program
        .iter_data()
        .map(|w| match w {
            MaybeRelocatable::Int(f) => Ok(felt_to_fe(f)),
            _ => Err(ProveError::Program("relocatable value in program data".into())),
        })
        .collect::<Result<_, _>>()?;
    Ok(Loaded { program, declared, words })
}

/// The hash a proof of `program_json` carries (see `public_input::program_hash`).
pub fn program_hash_of(program_json: &[u8]) -> Result<FE, ProveError> {
    let l = load(program_json)?;
    Ok(super::public_input::program_hash(&l.declared, &l.words))
}

/// The bytecode of `program_json`.
pub fn program_words(program_json: &[u8]) -> Result<Vec<FE>, ProveError> {
    Ok(load(program_json)?.words)
}

/// Executes `program_json` on `inputs` in proof mode.
pub fn execute(program_json: &[u8], inputs: &[FE]) -> Result<Execution, ProveError> {
    let Loaded { program, declared, words } = load(program_json)?;

    let felts: Vec<MaybeRelocatable> = inputs.iter().map(|x| MaybeRelocatable::Int(fe_to_felt(x))).collect();
    let n_inputs = Felt252::from(inputs.len() as u64);
    let mut hints = BuiltinHintProcessor::new_empty();
    let segment_felts = felts.clone();
    hints.add_hint(
        INPUT_HINT.to_string(),
        Rc::new(HintFunc(Box::new(move |vm, _scopes, ids, ap_tracking, _consts| {
            let base = vm.add_memory_segment();
            vm.load_data(base, &segment_felts)?;
            insert_value_from_var_name("inputs", base, vm, ids, ap_tracking)?;
            insert_value_from_var_name("n_inputs", n_inputs, vm, ids, ap_tracking)?;
            Ok(())
        }))),
    );
    hints.add_hint(
        INPUT_IN_OUTPUT_HINT.to_string(),
        Rc::new(HintFunc(Box::new(move |vm, _scopes, ids, ap_tracking, _consts| {
            let output = get_ptr_from_var_name("output_ptr", vm, ids, ap_tracking)?;
            let mut head = vec![MaybeRelocatable::Int(n_inputs)];
            head.extend(felts.iter().cloned());
            vm.load_data(output, &head)?;
            insert_value_from_var_name("n_inputs", n_inputs, vm, ids, ap_tracking)?;
            Ok(())
        }))),
    );
    let config = CairoRunConfig {
        entrypoint: "main",
        trace_enabled: true,
        relocate_mem: true,
        // `small` has output, pedersen and range_check; `recursive_with_poseidon` adds
        // bitwise and poseidon. The layout only decides which builtin runners exist (builtins the
        // program does not declare get empty segments); we do not use its ratios (no trace
        // padding).
        layout: if declared.iter().all(|b| ["output", "pedersen", "range_check"].contains(b)) {
            LayoutName::small
        } else {
            LayoutName::recursive_with_poseidon
        },
        proof_mode: true,
        // We pad the trace ourselves (with copies of the final `jmp rel 0` step), so we
        // skip cairo-vm's padding, which sizes the run for Stone's layout units.
        disable_trace_padding: true,
        ..Default::default()
    };
    let runner = cairo_run_program(&program, &config, &mut hints).map_err(perr)?;
    let trace = runner.relocated_trace.as_ref().ok_or_else(|| perr("no trace"))?;
    let registers: Vec<(u64, u64, u64)> = trace.iter().map(|t| (t.pc as u64, t.ap as u64, t.fp as u64)).collect();
    let memory: Vec<Option<FE>> = runner.relocated_memory.iter().map(|c| c.as_ref().map(felt_to_fe)).collect();
    let segments = runner.get_memory_segment_addresses().map_err(perr)?;
    let (out_base, out_stop) = *segments.get("output").ok_or_else(|| perr("no output segment"))?;
    let mut used = [None; BUILTINS.len()];
    for (seg, b) in used.iter_mut().zip(BUILTINS) {
        if declared.contains(&b.name()) {
            let (base, stop) = *segments.get(b.name()).ok_or_else(|| perr(format!("no {} segment", b.name())))?;
            *seg = Some(Segment { base: base as u64, stop: stop as u64 });
        }
    }

    // Outputs follow the convention [n_inputs, inputs..., outputs...].
    let cells: Vec<FE> = (out_base..out_stop)
        .map(|a| memory.get(a).cloned().flatten().ok_or_else(|| perr("unset output cell")))
        .collect::<Result<_, _>>()?;
    let mut expected = vec![FE::from(inputs.len() as u64)];
    expected.extend(inputs.iter().cloned());
    if cells.len() < expected.len() || cells[..expected.len()] != expected[..] {
        return Err(ProveError::Program(
            "program output does not start with [n_inputs, inputs...] (see prover/README.md)".into(),
        ));
    }
    let first = registers.first().ok_or_else(|| perr("empty trace"))?;
    let last = registers.last().ok_or_else(|| perr("empty trace"))?;
    if first.0 != PROGRAM_BASE {
        return Err(perr("program not loaded at address 1"));
    }
    let public_input = CairoPublicInput {
        // Two spare memory slots, one spare offset and, with range_check, one spare part
        // per row.
        layout: Layout {
            mem_extra: 2,
            rc_fill: 1,
            rcb_fill: if declared.contains(&range_check::NAME) { 1 } else { 0 },
            builtins: used.map(|s| s.is_some()),
        },
        program: words,
        inputs: inputs.to_vec(),
        outputs: cells[expected.len()..].to_vec(),
        initial_pc: first.0,
        initial_ap: first.1,
        final_pc: last.0,
        final_ap: last.1,
        output_base: out_base as u64,
        segments: used,
        rc_min: 0,
        rc_max: 0,
        rcb_min: 0,
        rcb_max: 0,
        steps: registers.len() as u64,
    };
    Ok(Execution { registers, memory, public_input })
}
